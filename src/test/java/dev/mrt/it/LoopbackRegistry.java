package dev.mrt.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a free port and its own storage,
 * optionally behind Basic auth, for one test class. Images go in with skopeo from OCI layouts.
 */
final class LoopbackRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final Path dir;
  private final int port;
  private final Process process;
  private final Optional<String[]> login;

  private LoopbackRegistry(Path dir, int port, Process process, Optional<String[]> login) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.login = login;
  }

  /**
   * @param login user and password to require (htpasswd with bcrypt), or empty for anonymous
   */
  static LoopbackRegistry start(Path dir, Optional<String[]> login) {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/docker-registry")),
        "docker-registry is not installed (src/test/sh/prepare-host.sh installs it)");
    try {
      Files.createDirectories(dir);
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      StringBuilder config =
          new StringBuilder(
              "version: 0.1\nlog:\n  level: warn\n"
                  + "storage:\n  filesystem:\n    rootdirectory: "
                  + dir.resolve("data")
                  + "\n"
                  + "  delete:\n    enabled: true\n"
                  + "http:\n  addr: 127.0.0.1:"
                  + port
                  + "\n");
      if (login.isPresent()) {
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, login.get()[0] + ":" + bcrypt(login.get()[1]) + "\n");
        config
            .append("auth:\n  htpasswd:\n    realm: mrt-test\n    path: ")
            .append(htpasswd)
            .append('\n');
      }
      Path configFile = Files.writeString(dir.resolve("config.yml"), config);
      Process p =
          new ProcessBuilder("docker-registry", "serve", configFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("registry.log").toFile())
              .start();
      LoopbackRegistry r = new LoopbackRegistry(dir, port, p, login);
      r.awaitListening();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** docker-registry reads only bcrypt; Debian's libxcrypt makes it, so no htpasswd is needed. */
  private static String bcrypt(String password) {
    return Shell.run(
            List.of(
                "python3",
                "-W",
                "ignore",
                "-c",
                "import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))",
                password))
        .strip();
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IllegalStateException("docker-registry exited: " + log());
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("docker-registry did not listen on " + port + ": " + log());
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  /** Pushes {@code oci:<layout>:<tag>} to {@code <host>/<name>}, with extra skopeo flags. */
  String push(Path layout, String tag, String name, String... flags) {
    List<String> cmd =
        new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
    login.ifPresent(l -> cmd.add("--dest-creds=" + l[0] + ":" + l[1]));
    cmd.addAll(List.of(flags));
    cmd.add("oci:" + layout + ":" + tag);
    cmd.add("docker://" + host() + "/" + name);
    Shell.run(cmd);
    return host() + "/" + name;
  }

  /**
   * Pushes {@code oci:<layout>:<tag>} to {@code <host>/<name>:<tag>} with every layer stored
   * uncompressed ({@code application/vnd.oci.image.layer.v1.tar}), through the registry API itself:
   * skopeo compresses layers on the way to a registry whatever it is told.
   */
  String pushUncompressed(Path layout, String tag, String name) {
    try {
      JsonNode manifest = null;
      for (JsonNode m : JSON.readTree(layout.resolve("index.json").toFile()).path("manifests")) {
        if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
          manifest = JSON.readTree(layoutBlob(layout, m.path("digest").asText()).toFile());
        }
      }
      if (manifest == null) {
        throw new IllegalArgumentException("no tag " + tag + " in " + layout);
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("schemaVersion", 2);
      out.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
      out.set("config", manifest.path("config"));
      putBlob(
          name,
          Files.readAllBytes(layoutBlob(layout, manifest.path("config").path("digest").asText())));
      ArrayNode layers = out.putArray("layers");
      for (JsonNode layer : manifest.path("layers")) {
        byte[] tar;
        try (InputStream in =
            new GZIPInputStream(
                Files.newInputStream(layoutBlob(layout, layer.path("digest").asText())))) {
          tar = in.readAllBytes();
        }
        layers
            .addObject()
            .put("mediaType", "application/vnd.oci.image.layer.v1.tar")
            .put("digest", putBlob(name, tar))
            .put("size", tar.length);
      }
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + host() + "/v2/" + name + "/manifests/" + tag))
                  .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(out)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException("manifest PUT: " + r.statusCode() + " " + r.body());
      }
      return host() + "/" + name + ":" + tag;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A monolithic blob upload (POST, then PUT with the digest); returns the digest. */
  private String putBlob(String name, byte[] content) throws IOException, InterruptedException {
    String digest;
    try {
      digest =
          "sha256:"
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    HttpResponse<String> start =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + host() + "/v2/" + name + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String location =
        start
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "upload start: " + start.statusCode() + " " + start.body()));
    URI upload = URI.create("http://" + host() + "/").resolve(location);
    HttpResponse<String> put =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        upload + (upload.getQuery() == null ? "?" : "&") + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) {
      throw new IllegalStateException("blob PUT: " + put.statusCode() + " " + put.body());
    }
    return digest;
  }

  private static Path layoutBlob(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  /** The file the registry stores a blob in, to corrupt it on purpose. */
  Path blobData(String digest) {
    String hex = digest.substring("sha256:".length());
    return dir.resolve("data/docker/registry/v2/blobs/sha256")
        .resolve(hex.substring(0, 2))
        .resolve(hex)
        .resolve("data");
  }

  String log() {
    try {
      return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
