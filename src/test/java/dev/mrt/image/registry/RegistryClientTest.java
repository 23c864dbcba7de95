package dev.mrt.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mrt.image.Digest;
import dev.mrt.image.ImageReference;
import dev.mrt.image.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RegistryClient against a registry in the test's JDK HTTP server: tokens, indexes, digests and
 * parallel blob fetches. Every request but the token's needs {@code Bearer t0k}.
 */
class RegistryClientTest {
  private static final String TOKEN = "t0k";
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path temp;
  private HttpServer server;
  private final ExecutorService handlers = Executors.newFixedThreadPool(4);

  /** Served under /v2/app/: path after it to content type and body. */
  private final Map<String, byte[]> content = new ConcurrentHashMap<>();

  private final Map<String, String> types = new ConcurrentHashMap<>();
  private final List<String> tokenQueries = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/token",
        ex -> {
          tokenQueries.add(ex.getRequestURI().getQuery());
          send(ex, 200, "{\"token\":\"" + TOKEN + "\"}");
        });
    server.createContext(
        "/v2/app/",
        ex -> {
          if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders()
                .add(
                    "WWW-Authenticate",
                    "Bearer realm=\"http://127.0.0.1:"
                        + server.getAddress().getPort()
                        + "/token\",service=\"test\"");
            send(ex, 401, "");
            return;
          }
          String key = ex.getRequestURI().getPath().substring("/v2/app/".length());
          byte[] body = content.get(key);
          if (body == null) {
            send(ex, 404, "{\"errors\":[{\"code\":\"NOT_HERE\",\"message\":\"" + key + "\"}]}");
            return;
          }
          ex.getResponseHeaders().add("Content-Type", types.getOrDefault(key, "application/json"));
          send(ex, 200, body);
        });
    server.setExecutor(handlers); // parallel fetches meet a parallel server
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    handlers.shutdownNow();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private ImageReference ref(String rest) {
    return ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/app" + rest);
  }

  private static RegistryClient client() {
    return new RegistryClient(
        new RegistryClient.Settings(
            RegistryCredentials.none(),
            Set.of(),
            3,
            Duration.ofSeconds(10),
            2,
            Duration.ofMillis(1)));
  }

  /** Serves {@code bytes} as blob or manifest {@code sha256:...}; returns its digest. */
  private Digest serve(String kind, byte[] bytes, String type) {
    Digest d = Digest.sha256(bytes);
    content.put(kind + "/" + d, bytes);
    types.put(kind + "/" + d, type);
    return d;
  }

  private static String descriptor(String type, Digest d, long size, String platform) {
    return "{\"mediaType\":\""
        + type
        + "\",\"digest\":\""
        + d
        + "\",\"size\":"
        + size
        + (platform.isEmpty() ? "" : ",\"platform\":" + platform)
        + "}";
  }

  /** An image manifest of one layer, served by digest; returns its digest. */
  private Digest image(Digest config, Digest layer) {
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MANIFEST
            + "\",\"config\":"
            + descriptor("application/vnd.oci.image.config.v1+json", config, 2, "")
            + ",\"layers\":["
            + descriptor("application/vnd.oci.image.layer.v1.tar", layer, 3, "")
            + "]}";
    return serve("manifests", manifest.getBytes(StandardCharsets.UTF_8), MANIFEST);
  }

  /** Tag 1: an index with an image for some other platform and one for this host. */
  private Digest indexWithHostImage() {
    Digest other = image(Digest.sha256(new byte[] {1}), Digest.sha256(new byte[] {2}));
    Digest host = image(Digest.sha256(new byte[] {3}), Digest.sha256(new byte[] {4}));
    String index =
        "{\"schemaVersion\":2,\"manifests\":["
            + descriptor(
                MANIFEST,
                other,
                content.get("manifests/" + other).length,
                "{\"os\":\"linux\",\"architecture\":\"sparc64\"}")
            + ","
            + descriptor(
                MANIFEST,
                host,
                content.get("manifests/" + host).length,
                "{\"os\":\"linux\",\"architecture\":\""
                    + Platform.host(false).architecture()
                    + "\"}")
            + "]}";
    content.put("manifests/1", index.getBytes(StandardCharsets.UTF_8));
    types.put("manifests/1", "application/vnd.oci.image.index.v1+json");
    return host;
  }

  @Test
  void testManifest_followsTheIndexToThisPlatformWithOneToken() {
    Digest host = indexWithHostImage();
    PulledManifest m = client().manifest(ref(":1"), Platform.host(false));
    assertEquals(host, m.digest());
    assertEquals(Digest.sha256(new byte[] {3}), m.config().digest());
    assertEquals(
        List.of(Digest.sha256(new byte[] {4})),
        m.layers().stream().map(Descriptor::digest).toList());
    assertEquals(1, tokenQueries.size(), "the token is kept for the repository");
    assertTrue(tokenQueries.get(0).contains("scope=repository:app:pull"), tokenQueries.get(0));
    assertTrue(tokenQueries.get(0).contains("service=test"), tokenQueries.get(0));
  }

  @Test
  void testManifest_noImageForThePlatformSaysWhichThereAre() {
    indexWithHostImage();
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () ->
                client().manifest(ref(":1"), new Platform("linux", "mips64le", Optional.empty())));
    assertEquals(RegistryException.Reason.NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("linux/sparc64"), e.getMessage());
    assertTrue(e.getMessage().contains("pick one with --platform"), e.getMessage());
  }

  @Test
  void testManifest_contentNotMatchingTheDigestAskedForIsRefused() {
    Digest host = indexWithHostImage();
    content.put("manifests/" + host, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));
    assertThrows(
        DigestMismatchException.class, () -> client().manifest(ref(":1"), Platform.host(false)));
  }

  @Test
  void testFetchBlobs_fetchesEveryBlobVerified() throws IOException {
    List<Descriptor> blobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] bytes = ("blob " + i).repeat(1000 * (i + 1)).getBytes(StandardCharsets.UTF_8);
      blobs.add(
          new Descriptor(
              "",
              serve("blobs", bytes, "application/octet-stream"),
              bytes.length,
              Optional.empty()));
    }
    long[] progress = {0};
    client()
        .fetchBlobs(
            ref(":1"),
            blobs,
            d -> temp.resolve(d.digest().hex()),
            n -> {
              synchronized (progress) {
                progress[0] += n;
              }
            });
    for (Descriptor d : blobs) {
      assertArrayEquals(
          content.get("blobs/" + d.digest()), Files.readAllBytes(temp.resolve(d.digest().hex())));
    }
    assertEquals(blobs.stream().mapToLong(Descriptor::size).sum(), progress[0]);
  }

  @Test
  void testFetchBlobs_aMissingBlobFailsTheWhole() {
    byte[] bytes = "here".getBytes(StandardCharsets.UTF_8);
    Descriptor present =
        new Descriptor("", serve("blobs", bytes, ""), bytes.length, Optional.empty());
    Descriptor missing = new Descriptor("", Digest.sha256(new byte[] {9}), 1, Optional.empty());
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () ->
                client()
                    .fetchBlobs(
                        ref(":1"),
                        List.of(present, missing),
                        d -> temp.resolve(d.digest().hex()),
                        n -> {}));
    assertEquals(RegistryException.Reason.NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains(missing.digest().toString()), e.getMessage());
  }

  @Test
  void testSource_namesATaggedImageByItsTagAlone() {
    Digest d = Digest.sha256(new byte[] {5});
    assertEquals(ref(":1").toString(), client().source(ref(":1@" + d)).name());
    assertEquals(ref("@" + d).toString(), client().source(ref("@" + d)).name());
  }
}
