package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** The container pool of {@code mrt serve}. */
@ConfigMapping(prefix = "mrt.pool")
public interface PoolConfig {

  /** Containers that may run at once. Default: the number of CPUs. */
  OptionalInt size();

  /** Bytes of stdout and of stderr kept per task; the rest is dropped with a marker. */
  @WithDefault("1048576")
  int outputLimit();

  /**
   * Containers kept started ahead of their task, per function (and per image and settings): a task
   * then only hands its command over. 0 turns warm start off; a function's own
   * mrt.functions."NAME".warm replaces it.
   */
  @WithDefault("2")
  int warm();

  /** A warm container that waited longer than this is discarded (and not replaced until used). */
  @WithDefault("10m")
  Duration warmIdle();

  /** Warm containers kept in all, over every function. Default: twice the pool size. */
  OptionalInt warmMax();

  /** The size in effect. */
  default int effectiveSize() {
    int n = size().orElse(Runtime.getRuntime().availableProcessors());
    ConfigChecks.range("mrt.pool.size", n, 1, 1024);
    return n;
  }
}
