package dev.mrt.image;

import java.nio.file.Path;

/**
 * An image whose root filesystem is unpacked in the cache, ready to be shared read-only by any
 * number of containers.
 *
 * @param name what the user called it ({@code default}, a tarball path, a reference)
 * @param digest {@code sha256:<hex>} of what was unpacked (a tarball, or an image's manifest for
 *     this platform); the cache key
 * @param rootfs the unpacked root filesystem
 * @param config how the image asks to be run; {@link ImageConfig#NONE} for a plain rootfs
 */
public record PreparedImage(String name, String digest, Path rootfs, ImageConfig config) {
  /** A plain root filesystem, without an image config. */
  public PreparedImage(String name, String digest, Path rootfs) {
    this(name, digest, rootfs, ImageConfig.NONE);
  }
}
