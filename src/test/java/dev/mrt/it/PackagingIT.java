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

  private static int majorVersion(ZipFile zip, ZipEntry e) throws IOException {
    try (InputStream in = zip.getInputStream(e)) {
      byte[] head = in.readNBytes(8);
      return ((head[6] & 0xff) << 8) | (head[7] & 0xff);
    }
  }
}
