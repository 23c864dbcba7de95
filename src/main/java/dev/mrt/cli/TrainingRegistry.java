package dev.mrt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mrt.image.Digest;
import dev.mrt.image.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A one-image registry served from memory over plain HTTP on 127.0.0.1, for {@link
 * TrainPullCommand}: the JVM's AOT cache for {@code mrt pull} is trained on a real pull (HTTP
 * client, manifest, digests, gunzip, unpack) without asking any registry of the user's. Answers
 * only the two GETs a pull makes: {@code manifests/TAG} and {@code blobs/DIGEST}.
 */
final class TrainingRegistry implements AutoCloseable {
  private static final String REPOSITORY = "mrt-training";
  private static final String TAG = "1";

  /** Where the repository's API starts; {@link #content} is keyed by what follows. */
  private static final String PREFIX = "/v2/" + REPOSITORY + "/";

  private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Content(String type, byte[] bytes) {}

  /** By path below {@link #PREFIX}. */
  private final Map<String, Content> content = new HashMap<>();

  private final HttpServer server;

  private TrainingRegistry(Platform platform) throws IOException {
    byte[] tar = layerTar();
    byte[] layer = gzip(tar);
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", platform.architecture()).put("os", platform.os());
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(sha256(tar));
    byte[] configBytes = JSON.writeValueAsBytes(config);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2).put("mediaType", MANIFEST_TYPE);
    manifest.set("config", blob("application/vnd.oci.image.config.v1+json", configBytes));
    manifest.putArray("layers").add(blob("application/vnd.oci.image.layer.v1.tar+gzip", layer));
    content.put("manifests/" + TAG, new Content(MANIFEST_TYPE, JSON.writeValueAsBytes(manifest)));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(PREFIX, this::answer);
    server.start();
  }

  /** Starts serving an image for {@code platform}. */
  static TrainingRegistry start(Platform platform) throws IOException {
    return new TrainingRegistry(platform);
  }

  /** The reference to pull: a loopback host, which mrt reaches over plain HTTP. */
  String reference() {
    return "127.0.0.1:" + server.getAddress().getPort() + "/" + REPOSITORY + ":" + TAG;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
    Content c = content.get(path);
    if (c == null) {
      exchange.sendResponseHeaders(404, -1);
    } else {
      exchange.getResponseHeaders().add("Content-Type", c.type());
      exchange.sendResponseHeaders(200, c.bytes().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(c.bytes());
      }
    }
    exchange.close();
  }

  private ObjectNode blob(String type, byte[] bytes) {
    String digest = sha256(bytes);
    content.put("blobs/" + digest, new Content("application/octet-stream", bytes));
    return JSON.createObjectNode()
        .put("mediaType", type)
        .put("digest", digest)
        .put("size", bytes.length);
  }

  /**
   * A directory, a symlink and a file of 2 MB: enough bytes that the digest and gunzip loops are
   * profiled as hot, as a real layer's are.
   */
  private static byte[] layerTar() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 2 << 20; i++) {
      text.append("line ").append(i).append(" of the layer mrt trains its pulls on\n");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.putArchiveEntry(new TarArchiveEntry("etc/"));
      tar.closeArchiveEntry();
      byte[] file = text.toString().getBytes(StandardCharsets.US_ASCII);
      TarArchiveEntry entry = new TarArchiveEntry("etc/mrt-training");
      entry.setSize(file.length);
      tar.putArchiveEntry(entry);
      tar.write(file);
      tar.closeArchiveEntry();
      TarArchiveEntry link =
          new TarArchiveEntry("etc/mrt-training.link", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("mrt-training");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] bytes) {
    return Digest.sha256(bytes).toString();
  }
}
