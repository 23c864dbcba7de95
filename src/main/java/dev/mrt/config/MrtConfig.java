package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/** Settings shared by every mrt subcommand. Properties are {@code mrt.*}; env vars {@code MRT_*}. */
@ConfigMapping(prefix = "mrt")
public interface MrtConfig {

  /**
   * Where the embedded runc, the unpacked root filesystems and prepared bundles live. Safe to
   * share between concurrent mrt processes of the same user.
   */
  @WithName("cache-dir")
  @WithDefault("${XDG_CACHE_HOME:${user.home}/.cache}/mrt")
  Path cacheDir();

  /**
   * Per-run state: runc's state root and the per-job bundle directories. Anything left here by a
   * crashed process is removed by the next one.
   */
  @WithName("state-dir")
  @WithDefault("${XDG_RUNTIME_DIR:${java.io.tmpdir}}/mrt-${user.name}")
  Path stateDir();

  /** Use this runc binary instead of the embedded one (for debugging or a newer runc). */
  Optional<Path> runc();

  /** Defaults for the containers mrt creates. */
  Container container();

  /** How {@code mrt serve} stops. */
  Shutdown shutdown();

  interface Shutdown {
    /**
     * After SIGTERM, how long running tasks may finish before they are killed (and, having no
     * reply, requeued by gearmand). Keep the service manager's stop timeout longer.
     */
    @WithName("drain-timeout")
    @WithDefault("60s")
    java.time.Duration drainTimeout();
  }

  interface Container {
    /** Hostname inside containers that do not ask for one. */
    @WithDefault("mrt")
    String hostname();

    /** PATH given to processes in containers. */
    @WithDefault("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    String path();
  }
}
