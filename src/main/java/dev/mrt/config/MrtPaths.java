package dev.mrt.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The paths {@code mrt.*} sets at the top level, for components that need them without the rest of
 * {@link MrtConfig}.
 *
 * @param cacheDir {@link MrtConfig#cacheDir()}
 * @param stateDir {@link MrtConfig#stateDir()}
 * @param runc {@link MrtConfig#runc()}: a runc of the host's instead of the embedded one
 */
public record MrtPaths(Path cacheDir, Path stateDir, Optional<Path> runc) {
  public static MrtPaths of(MrtConfig config) {
    return new MrtPaths(config.cacheDir(), config.stateDir(), config.runc());
  }
}
