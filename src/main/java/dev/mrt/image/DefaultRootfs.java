package dev.mrt.image;

import java.nio.file.Path;

/**
 * The root filesystem {@code --image default} names. Image resolution only needs where it is and
 * what it is; where it comes from (the jar's embedded assets) is not this package's concern.
 */
public interface DefaultRootfs {
  /** {@code sha256:<hex>}: the image's identity, as a pulled image's digest is. */
  String defaultRootfsDigest();

  /** The unpacked root filesystem directory, unpacked on first use. */
  Path defaultRootfs();
}
