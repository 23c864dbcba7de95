package dev.mrt.assets;

import dev.mrt.host.Arch;

/** This jar was built without an asset for the host architecture. */
public final class MissingAssetException extends AssetException {
  MissingAssetException(String resource, Arch arch) {
    super(
        resource,
        "embedded asset "
            + resource
            + " is missing from this build; run src/assets/make-assets.sh --arch "
            + arch
            + " and rebuild the jar");
  }
}
