package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Settings shared by every mrt subcommand. Properties are {@code mrt.*}; env vars {@code MRT_*}.
 */
@ConfigMapping(prefix = "mrt")
public interface MrtConfig {

  /**
   * Where the embedded runc, the images and the unpacked root filesystems live. Safe to share
   * between concurrent mrt processes of the same user.
   */
  @WithDefault("${XDG_CACHE_HOME:${user.home}/.cache}/mrt")
  Path cacheDir();

  /**
   * Per-run state: runc's state root and the per-job bundle directories. Anything left here by a
   * crashed process is removed by the next one.
   */
  @WithDefault("${XDG_RUNTIME_DIR:${java.io.tmpdir}}/mrt-${user.name}")
  Path stateDir();

  /** Use this runc binary instead of the embedded one (for debugging or a newer runc). */
  Optional<Path> runc();

  /** Defaults for the containers mrt creates. */
  Container container();

  /** Images pulled from registries. */
  Images images();

  interface Images {
    /**
     * Registries (host[:port] as references name them) reached over plain HTTP. Loopback registries
     * always are; nothing else is unless listed here.
     */
    Optional<List<String>> insecureRegistries();

    /** References {@code mrt serve} pulls at start, so the first job on them does not wait. */
    Optional<List<String>> prefetch();

    /**
     * The most an image (or tarball) may unpack to, by the sizes its tar headers declare, summed
     * over its layers and checked before each file is written: a 330 KB archive can hold 10 GiB.
     */
    @WithDefault("8G")
    String maxUnpackedSize();

    /** The most entries (files, directories, links) an image may unpack. */
    @WithDefault("2000000")
    long maxEntries();

    /** Blobs of one image fetched at once. */
    @WithDefault("3")
    int parallelism();

    /** Tries per registry request before a network failure is reported. */
    @WithDefault("4")
    int attempts();

    /** How long one registry request may wait for an answer. */
    @WithDefault("5m")
    Duration timeout();

    /**
     * A registry login file ({@code auths} as docker's config.json), read before
     * $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json and ~/.docker/config.json.
     */
    Optional<Path> authFile();

    /**
     * {@code mrt gc} evicts least recently used prepared images not in use until the cache is below
     * this size (written as every size setting is: 10G, 1.5G); unset keeps everything still
     * referenced.
     */
    Optional<String> cacheBudget();
  }

  /** How {@code mrt serve} stops. */
  Shutdown shutdown();

  interface Shutdown {
    /**
     * After SIGTERM, how long running tasks may finish before they are killed (and, having no
     * reply, requeued by gearmand). Keep the service manager's stop timeout longer.
     */
    @WithDefault("60s")
    Duration drainTimeout();
  }

  interface Container extends LimitSettings {
    /** Hostname inside containers that do not ask for one. */
    @WithDefault("mrt")
    String hostname();

    /** PATH given to processes in containers. */
    @WithDefault("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    String path();

    /**
     * Size of every container's /tmp (a tmpfs, in memory): a job that writes more gets ENOSPC
     * instead of taking the host's memory. Powers of 1024 (512M, 2G).
     */
    @WithDefault("1G")
    String tmpSize();

    /** Size of every container's /run tmpfs (where mrt also mounts batch files). */
    @WithDefault("64M")
    String runSize();

    /**
     * The seccomp filter of every container: {@code default} (podman's profile as Debian ships it,
     * without nested namespaces or kernel keyrings), {@code unconfined}, or the path of a
     * docker/podman seccomp.json.
     */
    @WithDefault("default")
    String seccomp();

    /**
     * The pasta that links private and endpoint networks (Debian's passt package); default: the
     * first on PATH.
     */
    Optional<Path> pasta();

    /** Most processes in every container; see {@link LimitSettings#pidsLimit}. */
    @Override
    @WithDefault("4096")
    OptionalLong pidsLimit();
  }
}
