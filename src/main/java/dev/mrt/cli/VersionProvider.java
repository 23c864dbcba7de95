package dev.mrt.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = MrtCommand.class.getPackage().getImplementationVersion();
    if (v == null) {
      // In the aot-jar layout the package is defined by a jar of generated classes, whose
      // manifest has no version; Quarkus records the project's at build time.
      v =
          ConfigProvider.getConfig()
              .getOptionalValue("quarkus.application.version", String.class)
              .orElse("dev");
    }
    return new String[] {"mrt " + v};
  }
}
