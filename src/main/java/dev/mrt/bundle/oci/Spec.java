package dev.mrt.bundle.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A whole {@code config.json}. */
public record Spec(
    String ociVersion,
    Process process,
    Root root,
    String hostname,
    List<Mount> mounts,
    Linux linux,
    @JsonInclude(JsonInclude.Include.NON_NULL) Hooks hooks) {

  public Spec {
    mounts = List.copyOf(mounts);
  }

  /** A spec without hooks. */
  public Spec(
      String ociVersion,
      Process process,
      Root root,
      String hostname,
      List<Mount> mounts,
      Linux linux) {
    this(ociVersion, process, root, hostname, mounts, linux, null);
  }

  public Spec withProcess(Process p) {
    return new Spec(ociVersion, p, root, hostname, mounts, linux, hooks);
  }

  public Spec withMounts(List<Mount> m) {
    return new Spec(ociVersion, process, root, hostname, m, linux, hooks);
  }

  public Spec withLinux(Linux l) {
    return new Spec(ociVersion, process, root, hostname, mounts, l, hooks);
  }

  public Spec withHooks(Hooks h) {
    return new Spec(ociVersion, process, root, hostname, mounts, linux, h);
  }
}
