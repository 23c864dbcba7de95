package dev.mrt.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.image.Digest;
import dev.mrt.image.ImageConfig;
import dev.mrt.image.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one translator from manifest, index and config JSON to mrt's types. Only the fields mrt uses
 * are read; unknown ones are ignored, as the OCI spec asks of consumers.
 */
final class ManifestJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A parsed manifest document. */
  sealed interface Parsed {}

  record Index(List<Descriptor> manifests) implements Parsed {}

  record Manifest(Descriptor config, List<Descriptor> layers) implements Parsed {}

  private ManifestJson() {}

  /**
   * @param contentType the response's, used when the document has no mediaType (umoci omits it)
   * @throws IOException with a short reason when it is not a manifest mrt can use
   */
  static Parsed parse(byte[] bytes, String contentType) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    if (root == null || !root.isObject()) {
      throw new IOException("the manifest is not a JSON object");
    }
    String type = root.path("mediaType").asText("");
    if (type.isEmpty()) {
      type = contentType == null ? "" : contentType.split(";")[0].trim();
    }
    if (type.isEmpty()) {
      // Neither says: an index has "manifests", an image manifest "config" (OCI spec 1.1).
      type = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    if (MediaTypes.isIndex(type)) {
      List<Descriptor> entries = new ArrayList<>();
      for (JsonNode m : root.path("manifests")) {
        entries.add(descriptor(m));
      }
      return new Index(entries);
    }
    if (MediaTypes.isManifest(type)) {
      List<Descriptor> layers = new ArrayList<>();
      for (JsonNode l : root.path("layers")) {
        layers.add(descriptor(l));
      }
      return new Manifest(descriptor(root.path("config")), layers);
    }
    throw new IOException(
        "unsupported manifest type '"
            + type
            + "' (mrt reads OCI and Docker v2"
            + " manifests and indexes; schema1 is obsolete)");
  }

  static Descriptor descriptor(JsonNode node) throws IOException {
    if (!node.has("digest") || !node.path("size").canConvertToLong()) {
      throw new IOException("a descriptor lacks its digest or size: " + node);
    }
    Digest digest;
    try {
      digest = Digest.parse(node.path("digest").asText());
    } catch (Digest.InvalidDigestException e) {
      throw new IOException(e.getMessage(), e);
    }
    Optional<Platform> platform = Optional.empty();
    JsonNode p = node.path("platform");
    if (p.isObject()) {
      platform =
          Optional.of(
              new Platform(
                  p.path("os").asText(""),
                  p.path("architecture").asText(""),
                  Optional.ofNullable(p.path("variant").textValue())));
    }
    return new Descriptor(
        node.path("mediaType").asText(""), digest, node.path("size").asLong(), platform);
  }

  /** Reads the parts of an image config mrt applies (the {@code config} object and rootfs). */
  static ImageConfig config(byte[] bytes) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    JsonNode c = root.path("config");
    List<Digest> diffIds = new ArrayList<>();
    for (JsonNode d : root.path("rootfs").path("diff_ids")) {
      try {
        diffIds.add(Digest.parse(d.asText()));
      } catch (Digest.InvalidDigestException e) {
        throw new IOException("config: " + e.getMessage(), e);
      }
    }
    return new ImageConfig(
        strings(c.path("Env")),
        strings(c.path("Entrypoint")),
        strings(c.path("Cmd")),
        Optional.ofNullable(c.path("WorkingDir").textValue()),
        Optional.ofNullable(c.path("User").textValue()),
        diffIds);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(n.asText());
    }
    return out;
  }

  /**
   * Picks the manifest for {@code wanted} from an index: the first entry it accepts, as docker
   * does. Entries without a platform (attestations) never match.
   */
  static Optional<Descriptor> select(Index index, Platform wanted) {
    return index.manifests().stream()
        .filter(d -> d.platform().map(wanted::accepts).orElse(false))
        .findFirst();
  }
}
