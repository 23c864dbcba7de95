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

  /** Finished jobs kept at most (the oldest go first). */
  @WithName("max-kept")
  @WithDefault("1000")
  int maxKept();
}
