package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The HTTP job API of {@code mrt serve}. */
@ConfigMapping(prefix = "mrt.api")
public interface ApiConfig {

  /**
   * The bearer token every /v1 request needs ({@code Authorization: Bearer <token>}). Unset: the
   * one in {@link #tokenFile()}, generated at first start.
   */
  Optional<String> token();

  /**
   * Where the generated token is kept, readable by mrt's user alone; clients on this host read it
   * from there. Put it on persistent storage to keep it across reboots.
   */
  @WithDefault("${mrt.state-dir}/api-token")
  Path tokenFile();

  /** {@code token} (the default): requests need the token; {@code none}: no authentication. */
  @WithDefault("token")
  Auth auth();

  /** What API jobs' containers reach: none (the default), host, private, or HOST:PORT,... */
  @WithDefault("none")
  String network();

  enum Auth {
    TOKEN,
    NONE
  }

  /** Jobs that may wait for a slot when the pool is full; beyond that the API answers 429. */
  @WithDefault("16")
  int queueLimit();

  /** How long a finished job stays visible to GET /v1/jobs/{id}. */
  @WithDefault("10m")
  Duration retention();

  /**
   * The images an API job may name: exact references, or prefixes ending in {@code *} (e.g. {@code
   * registry.example.org/tools/*}). Anything else is refused before it is looked at, so a caller
   * can neither read host files as images nor make mrt pull from a host of its choosing.
   */
  @WithDefault("default")
  List<String> allowedImages();

  /** Finished jobs kept at most (the oldest go first). */
  @WithDefault("1000")
  int maxKept();
}
