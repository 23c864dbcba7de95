package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** The HTTP job API of {@code mrt serve}. */
@ConfigMapping(prefix = "mrt.api")
public interface ApiConfig {

  /** When set, every /v1 request needs {@code Authorization: Bearer <token>}. */
  Optional<String> token();

  /** Jobs that may wait for a slot when the pool is full; beyond that the API answers 429. */
  @WithName("queue-limit")
  @WithDefault("16")
  int queueLimit();

  /** How long a finished job stays visible to GET /v1/jobs/{id}. */
  @WithDefault("10m")
  Duration retention();

  /**
   * The images an API job may name: exact references, or prefixes ending in {@code *} (e.g.
   * {@code registry.example.org/tools/*}). Anything else is refused before it is looked at, so a
   * caller can neither read host files as images nor make mrt pull from a host of its choosing.
   */
  @WithName("allowed-images")
  @WithDefault("default")
  java.util.List<String> allowedImages();

  /** Finished jobs kept at most (the oldest go first). */
  @WithName("max-kept")
  @WithDefault("1000")
  int maxKept();
}
