package dev.mrt.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mrt.image.Digest;
import dev.mrt.image.ImageReference;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blob fetches against a JDK HTTP server that misbehaves on purpose. */
class BlobPullerTest {
  private static final byte[] CONTENT = new byte[300_000];

  static {
    new Random(1).nextBytes(CONTENT);
  }

  @TempDir Path temp;
  private HttpServer server;
  private final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ImageReference ref() {
    return ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/x:1");
  }

  private BlobPuller puller() {
    RegistryTransport t =
        new RegistryTransport(
            HttpClient.newHttpClient(),
            RegistryCredentials.none(),
            Set.of(),
            Duration.ofSeconds(10));
    return new BlobPuller(t, new Retry(3, Duration.ofMillis(1)));
  }

  private static Descriptor descriptor(byte[] content) {
    return new Descriptor("", Digest.sha256(content), content.length, Optional.empty());
  }

  @Test
  void testPull_truncatedTransferResumesWithRange() throws IOException {
    server.createContext(
        "/v2/x/blobs/",
        ex -> {
          String range = ex.getRequestHeaders().getFirst("Range");
          ranges.add(String.valueOf(range));
          if (requests.incrementAndGet() == 1) {
            // Promise everything, send 100 000 bytes, then drop the connection.
            ex.sendResponseHeaders(200, CONTENT.length);
            ex.getResponseBody().write(CONTENT, 0, 100_000);
            ex.getResponseBody().flush();
            closeAbruptly(ex);
            return;
          }
          int from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
          ex.getResponseHeaders()
              .add(
                  "Content-Range",
                  "bytes " + from + "-" + (CONTENT.length - 1) + "/" + CONTENT.length);
          ex.sendResponseHeaders(206, CONTENT.length - from);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(CONTENT, from, CONTENT.length - from);
          }
        });
    Path target = temp.resolve("blob");
    puller().pull(ref(), descriptor(CONTENT), target, n -> {});
    assertArrayEquals(CONTENT, Files.readAllBytes(target));
    assertEquals("null", ranges.get(0));
    assertEquals(true, ranges.get(1).startsWith("bytes="), ranges.toString());
  }

  @Test
  void testPull_digestMismatchNamesBoth() {
    byte[] lie = CONTENT.clone();
    lie[5] ^= 1;
    server.createContext("/v2/x/blobs/", ex -> send(ex, 200, lie));
    Descriptor d = descriptor(CONTENT);
    DigestMismatchException e =
        assertThrows(
            DigestMismatchException.class,
            () -> puller().pull(ref(), d, temp.resolve("blob"), n -> {}));
    String actual = Digest.sha256(lie).toString();
    assertEquals(
        "cannot pull "
            + ref()
            + ": blob "
            + d.digest()
            + " does not match its content:"
            + " expected "
            + d.digest()
            + " (300000 bytes), got "
            + actual
            + " (300000 bytes); the"
            + " registry's copy is corrupt or was replaced, nothing was kept",
        e.getMessage());
    assertEquals(d.digest(), e.expected());
  }

  @Test
  void testPull_tooLongStopsEarly() {
    byte[] longer = new byte[CONTENT.length + 10];
    server.createContext("/v2/x/blobs/", ex -> send(ex, 200, longer));
    assertThrows(
        DigestMismatchException.class,
        () -> puller().pull(ref(), descriptor(CONTENT), temp.resolve("blob"), n -> {}));
  }

  @Test
  void testPull_statusErrorsAreOneLine() {
    server.createContext(
        "/v2/x/blobs/",
        ex ->
            send(
                ex,
                404,
                "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}"
                    .getBytes()));
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> puller().pull(ref(), descriptor(CONTENT), temp.resolve("blob"), n -> {}));
    assertEquals(RegistryException.Reason.NOT_FOUND, e.reason());
    assertEquals(
        "cannot pull "
            + ref()
            + ": 404 Not Found to fetch blob "
            + descriptor(CONTENT).digest()
            + " (BLOB_UNKNOWN: blob unknown to registry); check the"
            + " name and tag",
        e.getMessage());
  }

  @Test
  void testPull_basicChallengeWithoutLoginSaysHowToLogIn() {
    server.createContext(
        "/v2/x/blobs/",
        ex -> {
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Registry Realm\"");
          send(ex, 401, new byte[0]);
        });
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> puller().pull(ref(), descriptor(CONTENT), temp.resolve("blob"), n -> {}));
    assertEquals(RegistryException.Reason.UNAUTHORIZED, e.reason());
    assertEquals(true, e.getMessage().contains("requires a login"), e.getMessage());
  }

  @Test
  void testPull_bearerTokenFetchedAndSent() throws IOException {
    String realm = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    List<String> scopes = new ArrayList<>();
    server.createContext(
        "/token",
        ex -> {
          scopes.add(ex.getRequestURI().getQuery());
          send(ex, 200, "{\"token\":\"t0k\"}".getBytes());
        });
    server.createContext(
        "/v2/x/blobs/",
        ex -> {
          if (!"Bearer t0k".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders()
                .add(
                    "WWW-Authenticate",
                    "Bearer realm=\"" + realm + "\",service=\"reg\",scope=\"repository:x:pull\"");
            send(ex, 401, new byte[0]);
            return;
          }
          send(ex, 200, CONTENT);
        });
    puller().pull(ref(), descriptor(CONTENT), temp.resolve("blob"), n -> {});
    assertEquals(List.of("service=reg&scope=repository:x:pull"), scopes);
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Ends the exchange without the promised bytes: the client sees a broken transfer. */
  private static void closeAbruptly(HttpExchange ex) {
    ex.close();
  }
}
