package dev.mrt.assets;

import dev.mrt.config.MrtPaths;
import dev.mrt.runtime.RuncLocator;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/** The embedded runc, unpacked on first use, unless {@code mrt.runc} names another. */
@ApplicationScoped
public class RuncBinary implements RuncLocator {
  private final MrtPaths paths;
  private final EmbeddedAssets assets;

  public RuncBinary(MrtPaths paths, EmbeddedAssets assets) {
    this.paths = paths;
    this.assets = assets;
  }

  @Override
  public Path runc() {
    return paths.runc().orElseGet(assets::runc);
  }
}
