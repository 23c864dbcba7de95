package dev.mrt.bundle;

import java.nio.file.Path;

/**
 * A host directory or file made visible in the container.
 *
 * @param source absolute host path; must exist
 * @param destination absolute path inside the container
 */
public record BindMount(Path source, String destination, boolean readOnly) {

  public BindMount {
    if (!source.isAbsolute()) {
      throw new IllegalArgumentException("bind source must be absolute: " + source);
    }
    if (!destination.startsWith("/")) {
      throw new IllegalArgumentException("bind destination must be absolute: " + destination);
    }
  }
}
