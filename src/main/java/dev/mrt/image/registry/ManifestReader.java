package dev.mrt.image.registry;

import dev.mrt.image.Digest;
import dev.mrt.image.ImageConfig;
import dev.mrt.image.Platform;
import dev.mrt.image.registry.RegistryException.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What mrt reads out of manifests and configs once fetched, wherever from (a registry or an OCI
 * layout): the image manifest for a platform behind an index, an image config, and the blobs a
 * manifest keeps alive. {@link ManifestJson} is the JSON; this puts it in mrt's terms and errors.
 */
public final class ManifestReader {
  private ManifestReader() {}

  /**
   * Follows an index to the manifest for {@code platform}; shared by registries and layouts.
   *
   * @param child fetches (and verifies) the manifest an index entry points to
   */
  static PulledManifest resolve(
      String name,
      Platform platform,
      ManifestPuller.Fetched top,
      Function<Descriptor, ManifestPuller.Fetched> child) {
    ManifestJson.Parsed parsed = parse(name, top);
    if (parsed instanceof ManifestJson.Index index) {
      Descriptor chosen =
          ManifestJson.select(index, platform)
              .orElseThrow(
                  () ->
                      new RegistryException(
                          name,
                          Reason.NOT_FOUND,
                          "no image for "
                              + platform
                              + " in its index (it has "
                              + index.manifests().stream()
                                  .map(d -> d.platform().map(Platform::toString).orElse("?"))
                                  .distinct()
                                  .toList()
                              + "); pick one with --platform",
                          null));
      top = child.apply(chosen);
      parsed = parse(name, top);
      if (!(parsed instanceof ManifestJson.Manifest)) {
        throw new RegistryException(
            name,
            Reason.PROTOCOL,
            "the index entry for " + platform + " is not an image manifest",
            null);
      }
    }
    ManifestJson.Manifest m = (ManifestJson.Manifest) parsed;
    return new PulledManifest(name, top.digest(), top.bytes(), m.config(), m.layers());
  }

  /**
   * Reads an image config blob.
   *
   * @throws RegistryException when it is not a config mrt can read
   */
  public static ImageConfig readConfig(String reference, byte[] bytes) {
    try {
      return ManifestJson.config(bytes);
    } catch (IOException e) {
      throw new RegistryException(
          reference, Reason.PROTOCOL, "unreadable image config (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The blobs an image manifest refers to (config and layers), for garbage collection; empty for
   * content that is not an image manifest.
   */
  public static List<Digest> blobsOf(byte[] manifest) {
    try {
      if (ManifestJson.parse(manifest, "") instanceof ManifestJson.Manifest m) {
        List<Digest> out = new ArrayList<>();
        out.add(m.config().digest());
        m.layers().forEach(l -> out.add(l.digest()));
        return out;
      }
    } catch (IOException e) {
      // Not a manifest: it keeps nothing alive.
    }
    return List.of();
  }

  private static ManifestJson.Parsed parse(String name, ManifestPuller.Fetched f) {
    try {
      return ManifestJson.parse(f.bytes(), f.contentType());
    } catch (IOException e) {
      throw new RegistryException(
          name,
          Reason.PROTOCOL,
          "unreadable manifest " + f.digest() + " (" + e.getMessage() + ")",
          e);
    }
  }
}
