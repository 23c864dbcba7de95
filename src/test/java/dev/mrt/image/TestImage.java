package dev.mrt.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mrt.image.registry.Descriptor;
import dev.mrt.image.registry.PulledManifest;
import dev.mrt.image.tar.TarFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small OCI image made in memory from tar layers (stored gzipped, as registries serve them): its
 * blobs, its manifest, and the same as an OCI layout directory.
 */
final class TestImage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  final Map<Digest, byte[]> blobs = new LinkedHashMap<>();
  final Descriptor config;
  final List<Descriptor> layers = new ArrayList<>();
  final byte[] manifest;
  final Digest manifestDigest;

  /** An image of these layers, each an uncompressed tar; {@code diffIds} as the config says. */
  private TestImage(List<byte[]> tars, List<Digest> diffIds) {
    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("architecture", Platform.host(false).architecture()).put("os", "linux");
    cfg.putObject("config").putArray("Cmd").add("/bin/true");
    ObjectNode rootfs = cfg.putObject("rootfs").put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    diffIds.forEach(d -> ids.add(d.toString()));
    config = put("application/vnd.oci.image.config.v1+json", json(cfg));
    for (byte[] tar : tars) {
      layers.add(put(LAYER, TarFixture.gzip(tar)));
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    m.set("config", descriptor(config));
    ArrayNode ls = m.putArray("layers");
    layers.forEach(l -> ls.add(descriptor(l)));
    manifest = json(m);
    manifestDigest = Digest.sha256(manifest);
  }

  /** Layers (uncompressed tars) in order, with their true diff_ids. */
  static TestImage of(byte[]... tars) {
    return new TestImage(List.of(tars), List.of(tars).stream().map(Digest::sha256).toList());
  }

  /** Like {@link #of}, with a config whose diff_ids are as given, true or not. */
  static TestImage withDiffIds(List<Digest> diffIds, byte[]... tars) {
    return new TestImage(List.of(tars), diffIds);
  }

  /** A layer of one file. */
  static byte[] layer(String path, String content) {
    return new TarFixture().file(path, 0644, content).tar();
  }

  PulledManifest pulled(String name) {
    return new PulledManifest(name, manifestDigest, manifest, config, layers);
  }

  /** The image as an OCI layout in {@code dir}, tagged {@code tag}. */
  Path writeLayout(Path dir, String tag) throws IOException {
    Path blobDir = Files.createDirectories(dir.resolve("blobs/sha256"));
    for (Map.Entry<Digest, byte[]> b : blobs.entrySet()) {
      Files.write(blobDir.resolve(b.getKey().hex()), b.getValue());
    }
    Files.write(blobDir.resolve(manifestDigest.hex()), manifest);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode entry =
        index
            .putArray("manifests")
            .addObject()
            .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
            .put("digest", manifestDigest.toString())
            .put("size", manifest.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    Files.write(dir.resolve("index.json"), json(index));
    return dir;
  }

  private Descriptor put(String mediaType, byte[] content) {
    Digest d = Digest.sha256(content);
    blobs.put(d, content);
    return new Descriptor(mediaType, d, content.length, Optional.empty());
  }

  private static ObjectNode descriptor(Descriptor d) {
    return JSON.createObjectNode()
        .put("mediaType", d.mediaType())
        .put("digest", d.digest().toString())
        .put("size", d.size());
  }

  private static byte[] json(Object node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
