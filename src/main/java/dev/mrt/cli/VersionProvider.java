package dev.mrt.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = MrtCommand.class.getPackage().getImplementationVersion();
    return new String[] {"mrt " + (v == null ? "dev" : v)};
  }
}
