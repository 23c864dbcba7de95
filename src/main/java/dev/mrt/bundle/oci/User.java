package dev.mrt.bundle.oci;

/** Numeric ids the process runs as, inside the container's user namespace. */
public record User(long uid, long gid) {
  public static final User ROOT = new User(0, 0);
}
