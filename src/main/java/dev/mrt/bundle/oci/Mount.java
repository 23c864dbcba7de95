package dev.mrt.bundle.oci;

import java.util.List;

/** One mount, in the order runc performs them. */
public record Mount(String destination, String type, String source, List<String> options) {

  public Mount {
    options = List.copyOf(options);
  }

  /** A bind mount of a host path; private propagation, so no mount leaks back or across. */
  public static Mount bind(String source, String destination, boolean readOnly) {
    return new Mount(
        destination,
        "bind",
        source,
        List.of("rbind", "nosuid", "nodev", readOnly ? "ro" : "rw", "rprivate"));
  }

  public Mount withOptions(List<String> o) {
    return new Mount(destination, type, source, o);
  }
}
