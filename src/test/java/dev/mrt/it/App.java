package dev.mrt.it;

import dev.mrt.cli.MrtMain;
import dev.mrt.host.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * The packaged application, copied once to a world-readable place: the checkout may sit under a
 * home directory the unprivileged test user cannot enter.
 */
final class App {
  private static Path jar;

  private App() {}

  static synchronized Path jar() {
    if (jar == null) {
      Path source = Path.of(System.getProperty("mrt.it.app", "target/quarkus-app"));
      if (!Files.isRegularFile(source.resolve("quarkus-run.jar"))) {
        throw new IllegalStateException(source + " has no quarkus-run.jar: run `./mvnw verify`");
      }
      Path target = Path.of("/tmp/mrt-it", "app-" + ProcessHandle.current().pid());
      try (Stream<Path> walk = Files.walk(source)) {
        for (Path p : walk.toList()) {
          Path t = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(t);
            Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
          } else {
            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
          }
        }
        Files.setPosixFilePermissions(
            Path.of("/tmp/mrt-it"), PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      jar = target.resolve("quarkus-run.jar");
      // Leave nothing in /tmp: this run's app copy and its per-test homes go with the JVM.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    for (String dir : new String[] {"app-", "run-"}) {
                      FileTrees.removeTree(
                          Path.of("/tmp/mrt-it", dir + ProcessHandle.current().pid()));
                    }
                  }));
    }
    return jar;
  }

  /** The jar the plain commands start from, beside {@link #jar()}. */
  static Path plainJar() {
    Path plain = jar().resolveSibling(MrtMain.PLAIN_JAR);
    if (!Files.isRegularFile(plain)) {
      throw new IllegalStateException(plain + " is missing: run `./mvnw verify`");
    }
    return plain;
  }
}
