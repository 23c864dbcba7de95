package dev.mrt.config;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The cgroup limits of a container, as {@code mrt.container.*} states them for every container and
 * {@code mrt.functions."NAME".*} for one function's (each one set there replaces the container's).
 * Limits need root, or cgroup v2 with delegation (the systemd unit's Delegate=yes); the pids limit
 * alone holds rootless anywhere.
 */
public interface LimitSettings {
  /** Memory limit, e.g. {@code 512M} or {@code 2G} (powers of 1024); unset for none. */
  Optional<String> memory();

  /** CPU limit in cores, e.g. {@code 1.5}; unset for none. */
  Optional<Double> cpus();

  /**
   * Most processes (threads included): a fork bomb stops here. Rootful a cgroup limit; rootless
   * RLIMIT_NPROC in the container's own user namespace (no cgroups needed).
   */
  OptionalLong pidsLimit();
}
