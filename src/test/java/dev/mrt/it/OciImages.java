package dev.mrt.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds test images in an OCI layout with umoci: a base layer from a root filesystem tarball,
 * extra layers from tar bytes made in the test, config settings, and multi-platform indexes.
 */
final class OciImages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path layout;

  OciImages(Path layout) {
    this.layout = layout;
    if (!Files.exists(layout.resolve("index.json"))) {
      Shell.run("umoci", "init", "--layout", layout.toString());
    }
  }

  Path layout() {
    return layout;
  }

  /** The tiny busybox rootfs of build-facts (about 2 s), made once per JVM. */
  static synchronized Path busyboxRootfs() {
    Path tar = Path.of("/tmp/mrt-it", "busybox-" + ProcessHandle.current().pid() + ".tar");
    if (!Files.exists(tar)) {
      try {
        Files.createDirectories(tar.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Shell.run(
          "mmdebstrap",
          "--quiet",
          "--mode=unshare",
          "--variant=extract",
          "--include=busybox-static",
          "--hook-dir=/usr/share/mmdebstrap/hooks/busybox",
          "--setup-hook=mkdir -p \"$1/usr/bin\" \"$1/usr/sbin\" \"$1/sbin\"",
          "bookworm",
          tar.toString());
      tar.toFile().deleteOnExit();
    }
    return tar;
  }

  /** A new image {@code tag} for {@code arch} from layers (uncompressed tar files), in order. */
  OciImages image(String tag, String arch, List<Path> layers, String... configFlags) {
    Shell.run("umoci", "new", "--image", layout + ":" + tag);
    if (!arch.equals("amd64")) {
      Shell.run("umoci", "config", "--image", layout + ":" + tag, "--architecture", arch);
    }
    for (Path layer : layers) {
      Shell.run("umoci", "raw", "add-layer", "--image", layout + ":" + tag, layer.toString());
    }
    if (configFlags.length > 0) {
      List<String> cmd = new ArrayList<>(List.of("umoci", "config", "--image", layout + ":" + tag));
      cmd.addAll(List.of(configFlags));
      Shell.run(cmd);
    }
    return this;
  }

  /** Writes tar bytes to a file next to the layout, for {@link #image}. */
  Path layerFile(String name, byte[] tar) {
    try {
      return Files.write(layout.resolveSibling(name + ".tar"), tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds tag {@code indexTag}: an OCI index over the given tags' manifests, with platforms. */
  OciImages index(String indexTag, String... tags) {
    try {
      ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
      ArrayNode entries = JSON.createArrayNode();
      for (String tag : tags) {
        JsonNode m = find(index, tag);
        ObjectNode e = JSON.createObjectNode();
        e.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        e.put("digest", m.path("digest").asText());
        e.put("size", m.path("size").asLong());
        JsonNode config = JSON.readTree(blob(m.path("digest").asText()).toFile()).path("config");
        JsonNode cfg = JSON.readTree(blob(config.path("digest").asText()).toFile());
        e.putObject("platform")
            .put("architecture", cfg.path("architecture").asText())
            .put("os", cfg.path("os").asText());
        entries.add(e);
      }
      ObjectNode nested = JSON.createObjectNode();
      nested.put("schemaVersion", 2);
      nested.put("mediaType", "application/vnd.oci.image.index.v1+json");
      nested.set("manifests", entries);
      byte[] bytes = JSON.writeValueAsBytes(nested);
      String digest =
          "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      Files.write(blob(digest), bytes);
      ObjectNode ref = ((ArrayNode) index.withArray("manifests")).addObject();
      ref.put("mediaType", "application/vnd.oci.image.index.v1+json");
      ref.put("digest", digest);
      ref.put("size", bytes.length);
      ref.putObject("annotations").put("org.opencontainers.image.ref.name", indexTag);
      JSON.writeValue(layout.resolve("index.json").toFile(), index);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode find(JsonNode index, String tag) {
    for (JsonNode m : index.path("manifests")) {
      if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        return m;
      }
    }
    throw new IllegalArgumentException("no tag " + tag);
  }

  private Path blob(String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }
}
