package dev.mrt.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback HTTP proxy in front of a registry that breaks the first blob transfer half-way
 * (headers promise the whole blob, the connection closes after half), and passes everything else
 * through, Range included, so a client's resume can be watched.
 */
final class CuttingProxy implements AutoCloseable {
  private static final List<String> HEADERS =
      List.of(
          "Content-Type",
          "Docker-Content-Digest",
          "WWW-Authenticate",
          "Content-Range",
          "Accept-Ranges",
          "Location");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final String upstream;
  private final AtomicBoolean cut = new AtomicBoolean();

  /** The Range header of every blob request, "-" when none. */
  final List<String> blobRanges = new CopyOnWriteArrayList<>();

  CuttingProxy(String upstreamHost) {
    this.upstream = "http://" + upstreamHost;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::forward);
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void forward(HttpExchange ex) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()));
    for (String h : List.of("Accept", "Range", "Authorization")) {
      ex.getRequestHeaders().getOrDefault(h, List.of()).forEach(v -> b.header(h, v));
    }
    boolean blob = ex.getRequestURI().getPath().contains("/blobs/");
    if (blob) {
      blobRanges.add(String.valueOf(ex.getRequestHeaders().getFirst("Range")));
    }
    HttpResponse<byte[]> r;
    try {
      r = client.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    for (String h : HEADERS) {
      r.headers().allValues(h).forEach(v -> ex.getResponseHeaders().add(h, v));
    }
    byte[] body = r.body();
    ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
    OutputStream out = ex.getResponseBody();
    if (blob && body.length > 100_000 && cut.compareAndSet(false, true)) {
      out.write(body, 0, body.length / 2);
      out.flush();
      ex.close(); // the promised rest never comes
      return;
    }
    try (out) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
