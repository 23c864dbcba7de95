package dev.mrt.assets;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where embedded assets are read from: the jar's classpath in production, a map or directory in
 * tests. Each call opens a new stream, which the caller closes.
 */
@FunctionalInterface
public interface AssetSource {

  /** Opens a resource such as {@code assets/amd64/runc.zst}; empty when it does not exist. */
  Optional<InputStream> open(String resource) throws IOException;

  /** Resources of the given class loader. */
  static AssetSource classpath(ClassLoader loader) {
    return resource -> Optional.ofNullable(loader.getResourceAsStream(resource));
  }
}
