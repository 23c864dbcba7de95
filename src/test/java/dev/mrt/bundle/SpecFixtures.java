package dev.mrt.bundle;

import dev.mrt.bundle.oci.Spec;
import java.nio.file.Path;

/** Known-good specs that tests change one thing in. */
final class SpecFixtures {
  static final DefaultSpec.Defaults DEFAULTS =
      new DefaultSpec.Defaults("/usr/bin:/bin", "mrt", false);
  static final Path ROOTFS = Path.of("/var/cache/mrt/rootfs/x/rootfs");

  private SpecFixtures() {}

  static Spec rootful(ContainerRequest request) {
    return DefaultSpec.build(ROOTFS, request, DEFAULTS);
  }

  static Spec rootless(ContainerRequest request) {
    return Rootless.toRootless(rootful(request), 1000, 1001);
  }
}
