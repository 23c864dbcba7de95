package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.OptionalInt;

/** The container pool of {@code mrt serve}. */
@ConfigMapping(prefix = "mrt.pool")
public interface PoolConfig {

  /** Containers that may run at once. Default: the number of CPUs. */
  OptionalInt size();

  /** Bytes of stdout and of stderr kept per task; the rest is dropped with a marker. */
  @WithName("output-limit")
  @WithDefault("1048576")
  int outputLimit();

  /** The size in effect. */
  default int effectiveSize() {
    int n = size().orElse(Runtime.getRuntime().availableProcessors());
    ConfigChecks.range("mrt.pool.size", n, 1, 1024);
    return n;
  }
}
