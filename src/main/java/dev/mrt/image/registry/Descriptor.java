package dev.mrt.image.registry;

import dev.mrt.image.Digest;
import dev.mrt.image.Platform;
import java.util.Optional;

/**
 * A pointer to content in a registry, as manifests and indexes hold them.
 *
 * @param platform set for the entries of an index
 */
public record Descriptor(String mediaType, Digest digest, long size, Optional<Platform> platform) {
  public Descriptor {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
  }
}
