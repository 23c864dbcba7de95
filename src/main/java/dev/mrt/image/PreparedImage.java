package dev.mrt.image;

import java.nio.file.Path;

/**
 * An image whose root filesystem is unpacked in the cache, ready to be shared read-only by any
 * number of containers.
 *
 * @param name what the user called it ({@code default}, a tarball path, a reference)
 * @param digest {@code sha256:<hex>} of what was unpacked; the cache key
 * @param rootfs the unpacked root filesystem
 */
public record PreparedImage(String name, String digest, Path rootfs) {}
