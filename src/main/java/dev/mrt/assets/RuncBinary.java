package dev.mrt.assets;

import dev.mrt.config.MrtConfig;
import dev.mrt.runtime.RuncLocator;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/** The embedded runc, unpacked on first use, unless {@code mrt.runc} names another. */
@ApplicationScoped
public class RuncBinary implements RuncLocator {
  private final MrtConfig config;
  private final EmbeddedAssets assets;

  public RuncBinary(MrtConfig config, EmbeddedAssets assets) {
    this.config = config;
    this.assets = assets;
  }

  @Override
  public Path runc() {
    return config.runc().orElseGet(assets::runc);
  }
}
