package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** What the build leaves in the packaged application, beyond what Quarkus puts there. */
class PackagingIT {

  /**
   * JDK 25's AOT cache refuses class files older than Java 6 ("Old class has been linked"), and
   * with them our classes that implement their interfaces: the build upgrades picocli's (Java 5) so
   * the launcher's cache holds the CLI. A new dependency compiled for Java 5 shows here.
   */
  @Test
  void testLibraries_haveNoClassFileTheAotCacheRefuses() throws IOException {
    Path lib = App.jar().getParent().resolve("lib/main");
    List<String> old = new ArrayList<>();
    int jars = 0;
    try (DirectoryStream<Path> all = Files.newDirectoryStream(lib, "*.jar")) {
      for (Path jar : all) {
        jars++;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          for (ZipEntry e : Collections.list(zip.entries())) {
            if (e.getName().endsWith(".class")
                && !e.getName().startsWith("META-INF/")
                && majorVersion(zip, e) < 50) {
              old.add(jar.getFileName() + "!" + e.getName());
            }
          }
        }
      }
    }
    assertTrue(jars >= 10, "expected the application's libraries in " + lib);
    assertEquals(
        List.of(),
        old.subList(0, Math.min(5, old.size())),
        old.size() + " class files older than Java 6 (upgrade them as pom.xml does picocli's)");
  }

  /**
   * cli-run.jar starts the plain commands with a short class path: Quarkus' entry point and
   * manifest, but only the jars they can reach, in quarkus-run.jar's order (earlier jars shadow
   * later ones); the rest of the suite runs every plain command from it.
   */
  @Test
  void testPlainJar_isTheRunnersManifestWithoutTheServersJars() throws IOException {
    Manifest full = manifest(App.jar());
    Manifest plain = manifest(App.plainJar());
    assertEquals(
        full.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS),
        plain.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS));
    List<String> all = classPath(full);
    List<String> kept = classPath(plain);
    List<String> inOrder = new ArrayList<>(all);
    inOrder.retainAll(kept);
    assertEquals(inOrder, kept, "not a sub-list of quarkus-run.jar's class path, in its order");
    for (String jar : all) {
      if (!jar.startsWith("lib/main/")) {
        assertTrue(kept.contains(jar), "lost " + jar + " (boot, generated and our jars stay)");
      }
    }
    for (String needed : List.of("picocli", "jackson-databind", "zstd-jni", "commons-compress")) {
      assertTrue(kept.stream().anyMatch(j -> j.contains(needed)), needed + " is missing");
    }
    for (String server : List.of("vertx-core", "netty-common", "micrometer-core", "mariadb")) {
      assertTrue(kept.stream().noneMatch(j -> j.contains(server)), server + " is on it");
    }
  }

  /** A server command started from the short class path says so, instead of failing later. */
  @Test
  void testPlainJar_refusesTheServerCommands() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                App.plainJar().toString(),
                "doctor")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(125, p.waitFor(), output);
    assertTrue(output.contains("run it with java -jar quarkus-run.jar"), output);
    assertEquals(1, output.strip().lines().count(), output);
  }

  private static Manifest manifest(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest();
    }
  }

  private static List<String> classPath(Manifest m) {
    return List.of(m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH).split(" "));
  }

  private static int majorVersion(ZipFile zip, ZipEntry e) throws IOException {
    try (InputStream in = zip.getInputStream(e)) {
      byte[] head = in.readNBytes(8);
      return ((head[6] & 0xff) << 8) | (head[7] & 0xff);
    }
  }
}
