package dev.mrt.bundle;

import dev.mrt.bundle.oci.Capabilities;
import dev.mrt.bundle.oci.Linux;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Namespace;
import dev.mrt.bundle.oci.NamespaceType;
import dev.mrt.bundle.oci.Process;
import dev.mrt.bundle.oci.Root;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.bundle.oci.User;
import dev.mrt.image.ImageConfig;
import dev.mrt.network.Network;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rootful spec for one job, written as data in the manner of runc's {@code specconv.Example}:
 * read it top to bottom to know what a container gets. Rootless is a separate transformation
 * ({@link Rootless}).
 */
public final class DefaultSpec {

  /** runc's example set: enough for ordinary programs, nothing that reaches the host. */
  static final List<String> CAPABILITIES =
      List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

  static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/sys/firmware",
          "/proc/scsi");

  static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private DefaultSpec() {}

  /**
   * The spec for a job on an image with a config: the image's Env goes under the request's, its
   * WorkingDir is the default cwd, and the command is {@link ImageConfig#command}.
   *
   * @param rootfs the prepared, shared root filesystem; mounted read-only, never written
   * @param image the image's config; {@link ImageConfig#NONE} for a plain rootfs
   * @param user the image's User, already resolved to numeric ids
   * @param defaults PATH and hostname used when the request names none
   */
  public static Spec build(
      Path rootfs, ImageConfig image, User user, ContainerRequest request, Defaults defaults) {
    Process process =
        new Process(
            false,
            user,
            image.command(request.args()),
            environment(image.env(), request.env(), defaults),
            request.workdir().or(image::workingDir).orElse("/"),
            Capabilities.of(CAPABILITIES),
            true);

    List<Mount> mounts = new ArrayList<>();
    mounts.add(new Mount("/proc", "proc", "proc", List.of()));
    mounts.add(
        new Mount(
            "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
    mounts.add(
        new Mount(
            "/dev/pts",
            "devpts",
            "devpts",
            List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
    mounts.add(
        new Mount(
            "/dev/shm",
            "tmpfs",
            "shm",
            List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
    mounts.add(new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
    mounts.add(new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
    mounts.add(
        new Mount(
            "/sys/fs/cgroup",
            "cgroup",
            "cgroup",
            List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
    // The root filesystem is read-only and shared: scratch space is per container.
    // Sized: without size= a tmpfs may take half the host's memory, and a job could fill it.
    mounts.add(
        new Mount(
            "/tmp",
            "tmpfs",
            "tmpfs",
            List.of("nosuid", "nodev", "mode=1777", "size=" + kib(defaults.tmpSize()))));
    mounts.add(
        new Mount(
            "/run",
            "tmpfs",
            "tmpfs",
            List.of("nosuid", "nodev", "mode=755", "size=" + kib(defaults.runSize()))));
    // Name resolution files come with the network (NetworkSetup), which comes after.
    for (BindMount b : request.binds()) {
      mounts.add(Mount.bind(b.source().toString(), b.destination(), b.readOnly()));
    }

    List<Namespace> namespaces = new ArrayList<>();
    namespaces.add(new Namespace(NamespaceType.PID));
    if (!(request.network() instanceof Network.Host)) {
      namespaces.add(new Namespace(NamespaceType.NETWORK));
    }
    namespaces.add(new Namespace(NamespaceType.IPC));
    namespaces.add(new Namespace(NamespaceType.UTS));
    namespaces.add(new Namespace(NamespaceType.MOUNT));
    if (defaults.cgroupV2()) {
      namespaces.add(new Namespace(NamespaceType.CGROUP));
    }

    return new Spec(
        "1.0.2",
        process,
        new Root(rootfs.toAbsolutePath().toString(), true),
        request.hostname().orElse(defaults.hostname()),
        mounts,
        new Linux(
            List.of(),
            List.of(),
            namespaces,
            MASKED_PATHS,
            READONLY_PATHS,
            defaults.limits().overriddenBy(request.limits()).toResources().orElse(null)));
  }

  private static List<String> environment(
      List<String> image, Map<String, String> requested, Defaults defaults) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", defaults.path());
    env.put("HOME", "/root");
    env.put("TERM", "xterm");
    for (String e : image) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    env.putAll(requested);
    return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
  }

  /** tmpfs takes sizes in KiB (rounded up), as runc's own examples give them. */
  private static String kib(long bytes) {
    return ((bytes + 1023) / 1024) + "k";
  }

  /**
   * Host-dependent defaults.
   *
   * @param cgroupV2 the host runs the unified hierarchy, so containers get a cgroup namespace
   * @param limits what a request that sets no limit of its own gets
   * @param tmpSize bytes of the /tmp tmpfs; writes past it fail with ENOSPC
   * @param runSize bytes of the /run tmpfs
   */
  public record Defaults(
      String path, String hostname, boolean cgroupV2, Limits limits, long tmpSize, long runSize) {}
}
