package dev.mrt.image.registry;

import dev.mrt.image.Digest;
import java.util.List;

/**
 * The single-platform manifest an image reference resolved to.
 *
 * @param name the image as the cache names it
 * @param digest the manifest's digest: the identity of the image for this platform
 * @param bytes the manifest exactly as served (its digest is {@code digest})
 */
public record PulledManifest(
    String name, Digest digest, byte[] bytes, Descriptor config, List<Descriptor> layers) {
  public PulledManifest {
    layers = List.copyOf(layers);
  }

  /** Bytes of the config and all layers, compressed as transferred. */
  public long totalSize() {
    return config.size() + layers.stream().mapToLong(Descriptor::size).sum();
  }
}
