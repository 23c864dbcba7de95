package dev.mrt.assets;

import dev.mrt.MrtException;

/** An asset embedded in the jar is missing or damaged: the jar has to be rebuilt. */
public abstract sealed class AssetException extends MrtException
    permits MissingAssetException, CorruptAssetException {
  private final String resource;

  AssetException(String resource, String message) {
    super(message);
    this.resource = resource;
  }

  /** The classpath resource, e.g. {@code assets/amd64/runc.zst}. */
  public String resource() {
    return resource;
  }
}
