package dev.mrt.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.JarFile;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"mrt " + version()};
  }

  /**
   * Implementation-Version from the manifest of the jar holding mrt's classes. Not {@link
   * Package#getImplementationVersion()}: in the aot-jar layout a jar of generated classes, whose
   * manifest has none, can define the package first. "dev" when run from a classes directory.
   */
  static String version() {
    CodeSource source = VersionProvider.class.getProtectionDomain().getCodeSource();
    try {
      Path jar = source == null ? null : Path.of(source.getLocation().toURI());
      if (jar != null && Files.isRegularFile(jar)) {
        try (JarFile file = new JarFile(jar.toFile())) {
          String v =
              file.getManifest() == null
                  ? null
                  : file.getManifest().getMainAttributes().getValue("Implementation-Version");
          if (v != null) {
            return v;
          }
        }
      }
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      // No readable manifest: the version is unknown, which --version says.
    }
    return "dev";
  }
}
