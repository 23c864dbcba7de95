package dev.mrt.bundle;

import dev.mrt.bundle.oci.Spec;
import dev.mrt.bundle.oci.User;
import dev.mrt.image.ImageConfig;
import java.nio.file.Path;

/** Known-good specs that tests change one thing in. */
final class SpecFixtures {
  static final DefaultSpec.Defaults DEFAULTS = defaults("/usr/bin:/bin", "mrt", false, Limits.NONE);
  static final Path ROOTFS = Path.of("/var/cache/mrt/rootfs/x/rootfs");

  private SpecFixtures() {}

  /** With the tmpfs sizes mrt.container.tmp-size and run-size default to (1G, 64M). */
  static DefaultSpec.Defaults defaults(
      String path, String hostname, boolean cgroupV2, Limits limits) {
    return new DefaultSpec.Defaults(path, hostname, cgroupV2, limits, 1L << 30, 64L << 20);
  }

  static Spec rootful(ContainerRequest request) {
    return rootful(ROOTFS, request, DEFAULTS);
  }

  /** A plain rootfs (no image config) run as root. */
  static Spec rootful(Path rootfs, ContainerRequest request, DefaultSpec.Defaults defaults) {
    return DefaultSpec.build(rootfs, ImageConfig.NONE, User.ROOT, request, defaults);
  }

  static Spec rootless(ContainerRequest request) {
    return Rootless.toRootless(rootful(request), 1000, 1001);
  }
}
