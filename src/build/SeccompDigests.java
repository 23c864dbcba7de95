import dev.mrt.bundle.SeccompProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Build step (process-classes, see pom.xml): records in the classes directory, for each architecture
 * mrt ships, the digest of the rules its default seccomp profile compiles to. With it a container
 * start finds the filter compiled once without reading and converting the profile (20-25 ms of
 * `mrt run -- true`); SeccompProfileTest fails when what is recorded is not what the code computes.
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
      Path out = classes.resolve(SeccompProfile.defaultRulesResource(arch));
      Files.createDirectories(out.getParent());
      Files.writeString(out, SeccompProfile.defaultRulesDigest(arch).hex() + "\n");
    }
  }
}
