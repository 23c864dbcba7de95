package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.OptionalInt;

/** The container pool of {@code mrt serve}. */
@ConfigMapping(prefix = "mrt.pool")
public interface PoolConfig {

  /** Containers that may run at once. Default: the number of CPUs. */
  OptionalInt size();

  /** Bytes of stdout and of stderr kept per task; the rest is dropped with a marker. */
  @WithName("output-limit")
  @WithDefault("1048576")
  @Min(0)
  @Max(64 * 1024 * 1024)
  int outputLimit();

  /** The size in effect. */
  default int effectiveSize() {
    int n = size().orElse(Runtime.getRuntime().availableProcessors());
    if (n < 1 || n > 1024) {
      throw new IllegalArgumentException("mrt.pool.size must be between 1 and 1024, was " + n);
    }
    return n;
  }
}
