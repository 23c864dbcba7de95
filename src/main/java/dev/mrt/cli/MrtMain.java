package dev.mrt.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Entry point of the jar: picocli subcommands inside one Quarkus application, except those {@link
 * PlainCli} runs without it. Only {@code serve} is a server: every other subcommand keeps the HTTP
 * port closed, so any number of CLI runs (and a running daemon) never clash over it.
 */
@QuarkusMain
public class MrtMain implements QuarkusApplication {
  /**
   * Beside quarkus-run.jar, the same entry point with a class path of only the jars the plain
   * commands can reach (made at build time by src/build/CliClassPath.java): every ServiceLoader of
   * the JDK's class loader opens every jar on the class path, and several run in any start.
   */
  public static final String PLAIN_JAR = "cli-run.jar";

  private final CommandLine.IFactory factory;

  @Inject
  public MrtMain(CommandLine.IFactory factory) {
    this.factory = factory;
  }

  public static void main(String... args) {
    // mrt spawns a runc per container: vfork+exec skips the JDK's jspawnhelper (a second exec),
    // about 0.8 ms of each spawn here. An operator's own -D setting wins. JDK 25 deprecates
    // VFORK and says so on stderr at the first spawn: there the JDK's default stays.
    if (System.getProperty("jdk.lang.Process.launchMechanism") == null
        && Runtime.version().feature() < 25) {
      System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    }
    Optional<PlainCli> plain = PlainCli.forArgs(args);
    if (plain.isPresent()) {
      System.exit(plain.get().run(args));
    }
    if (launchJar().equals(PLAIN_JAR)) {
      System.err.println(
          "mrt: "
              + PLAIN_JAR
              + " holds only the jars of the commands that run without Quarkus, and `"
              + String.join(" ", args)
              + "` needs them all; run it with java -jar quarkus-run.jar, or through the mrt"
              + " launcher");
      System.exit(CliErrors.MRT_FAILED);
    }
    if (args.length == 0 || !"serve".equals(args[0])) {
      System.setProperty("quarkus.http.host-enabled", "false");
    }
    // Settings must be known before the application starts, so --config is read here.
    Optional<String> config = configFile(args);
    if (config.isPresent()) {
      Path file = Path.of(config.get()).toAbsolutePath();
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        System.err.println(
            "mrt: config file "
                + file
                + " does not exist or is not readable; "
                + "give a readable .properties file to --config");
        System.exit(2);
      }
      System.setProperty("quarkus.config.locations", file.toUri().toString());
    }
    Quarkus.run(MrtMain.class, args);
  }

  /**
   * Whether these arguments run without Quarkus, and so can start from {@link #PLAIN_JAR}: the
   * launcher makes the same choice (deploy/bin/mrt), and the integration tests through this.
   */
  public static boolean runsPlain(String... args) {
    return PlainCli.forArgs(args).isPresent();
  }

  /** The name of the jar this JVM was started with ({@code java -jar NAME}). */
  private static String launchJar() {
    String classPath = System.getProperty("java.class.path", "");
    return classPath.substring(classPath.lastIndexOf('/') + 1);
  }

  private static Optional<String> configFile(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Optional.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Optional.of(args[i].substring("--config=".length()));
      }
    }
    return Optional.empty();
  }

  @Override
  public int run(String... args) {
    return MrtCommand.commandLine(factory, List.of(Subcommand.values())).execute(args);
  }
}
