package dev.mrt.bundle.oci;

import java.util.List;

/** A whole {@code config.json}. */
public record Spec(
    String ociVersion,
    Process process,
    Root root,
    String hostname,
    List<Mount> mounts,
    Linux linux) {

  public Spec {
    mounts = List.copyOf(mounts);
  }

  public Spec withProcess(Process p) {
    return new Spec(ociVersion, p, root, hostname, mounts, linux);
  }

  public Spec withMounts(List<Mount> m) {
    return new Spec(ociVersion, process, root, hostname, m, linux);
  }

  public Spec withLinux(Linux l) {
    return new Spec(ociVersion, process, root, hostname, mounts, l);
  }
}
