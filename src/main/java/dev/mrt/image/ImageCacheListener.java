package dev.mrt.image;

/** Observes the prepared-rootfs cache (metrics). Must be quick and must not throw. */
public interface ImageCacheListener {
  /** A job's image was already prepared. */
  void hit(String image);

  /** A job's image had to be unpacked first; {@code bytes} is what was written. */
  void miss(String image, long bytes);
}
