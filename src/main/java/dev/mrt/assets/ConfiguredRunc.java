package dev.mrt.assets;

import dev.mrt.config.MrtConfig;
import dev.mrt.runtime.RuncLocator;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/** TEMPORARY until the asset cache lands. */
@ApplicationScoped
public class ConfiguredRunc implements RuncLocator {
  private final MrtConfig config;

  public ConfiguredRunc(MrtConfig config) {
    this.config = config;
  }

  @Override
  public Path runc() {
    return config.runc().orElse(Path.of("/usr/sbin/runc"));
  }
}
