import dev.mrt.bundle.DefaultSeccompRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Build step (process-classes, see pom.xml): records in the classes directory, for each architecture
 * mrt ships, the rules its default seccomp profile compiles to and their digest ({@link
 * DefaultSeccompRules} says why); SeccompProfileTest fails when what is recorded is not what the
 * code computes.
 *
 * <p>Usage: java -cp CLASSPATH src/build/SeccompDigests.java CLASSES_DIR
 */
public class SeccompDigests {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: SeccompDigests CLASSES_DIR");
      System.exit(2);
    }
    Path classes = Path.of(args[0]);
    for (String arch : List.of("amd64", "arm64")) {
      String rules = DefaultSeccompRules.computedText(arch);
      Path text = classes.resolve(DefaultSeccompRules.textResource(arch));
      Files.createDirectories(text.getParent());
      Files.writeString(text, rules);
      Path digest = classes.resolve(DefaultSeccompRules.digestResource(arch));
      Files.writeString(digest, DefaultSeccompRules.digestOf(rules).hex() + "\n");
    }
  }
}
