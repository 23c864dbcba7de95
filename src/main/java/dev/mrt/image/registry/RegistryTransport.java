package dev.mrt.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.image.ImageReference;
import dev.mrt.image.registry.RegistryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends the v2 API's GET requests: picks http or https, answers auth challenges (Basic, or a Bearer
 * token fetched from the challenge's realm and cached per repository), and turns error statuses
 * into {@link RegistryException}s. The endpoint classes only say what to ask for.
 */
final class RegistryTransport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final RegistryCredentials credentials;
  private final Set<String> insecure;
  private final Duration timeout;

  /** Authorization header per registry + repository; tokens are scoped to one repository. */
  private final Map<String, String> authorization = new ConcurrentHashMap<>();

  RegistryTransport(
      HttpClient http, RegistryCredentials credentials, Set<String> insecure, Duration timeout) {
    this.http = http;
    this.credentials = credentials;
    this.insecure = Set.copyOf(insecure);
    this.timeout = timeout;
  }

  /**
   * GETs {@code /v2/<repository>/<path>} and returns a 2xx response whose body the caller must
   * close.
   *
   * @param action what is being done, for error messages ("fetch manifest 1.0")
   * @throws IOException when the network fails (the caller may retry)
   * @throws RegistryException for an answer that retrying will not change
   */
  HttpResponse<InputStream> get(
      ImageReference ref, String path, List<String> accept, Optional<String> range, String action)
      throws IOException {
    URI uri = URI.create(baseUri(ref) + "/v2/" + ref.repository() + "/" + path);
    String key = ref.registry() + "/" + ref.repository();
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
      if (!accept.isEmpty()) {
        b.header("Accept", String.join(", ", accept));
      }
      range.ifPresent(r -> b.header("Range", r));
      Optional.ofNullable(authorization.get(key)).ifPresent(a -> b.header("Authorization", a));
      HttpResponse<InputStream> response = send(b.build());
      int status = response.statusCode();
      if (status / 100 == 2) {
        return response;
      }
      String body = drain(response);
      if (status == 401 && attempt == 0) {
        authorization.put(key, authenticate(ref, response, action));
        continue;
      }
      throw error(ref, status, body, action);
    }
  }

  private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Answers a 401: returns the Authorization header to send from now on. */
  private String authenticate(ImageReference ref, HttpResponse<?> response, String action)
      throws IOException {
    Optional<RegistryCredentials.Login> login = credentials.forRegistry(ref.registry());
    List<Challenge> challenges =
        response.headers().allValues("WWW-Authenticate").stream()
            .flatMap(h -> Challenge.parse(h).stream())
            .toList();
    for (Challenge c : challenges) {
      if (c.scheme().equals("bearer") && c.param("realm").isPresent()) {
        return "Bearer " + token(ref, c, login, action);
      }
    }
    for (Challenge c : challenges) {
      if (c.scheme().equals("basic")) {
        if (login.isEmpty()) {
          throw new RegistryException(
              ref.toString(),
              Reason.UNAUTHORIZED,
              ref.registry()
                  + " requires a login to "
                  + action
                  + "; log in with `skopeo login "
                  + ref.registry()
                  + "` or `docker login` (mrt reads ~/.docker/config.json and"
                  + " $XDG_RUNTIME_DIR/containers/auth.json)",
              null);
        }
        return basic(login.get());
      }
    }
    throw new RegistryException(
        ref.toString(),
        Reason.PROTOCOL,
        "401 to "
            + action
            + " with no Basic or Bearer challenge mrt can answer (WWW-Authenticate: "
            + response.headers().allValues("WWW-Authenticate")
            + ")",
        null);
  }

  /** The token endpoint of the distribution spec ("token authentication"). */
  private String token(
      ImageReference ref, Challenge c, Optional<RegistryCredentials.Login> login, String action)
      throws IOException {
    StringBuilder q = new StringBuilder(c.param("realm").get());
    q.append(q.indexOf("?") < 0 ? '?' : '&');
    c.param("service").ifPresent(s -> q.append("service=").append(encode(s)).append('&'));
    q.append("scope=")
        .append(encode(c.param("scope").orElse("repository:" + ref.repository() + ":pull")));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(q.toString())).timeout(timeout).GET();
    login.ifPresent(l -> b.header("Authorization", basic(l)));
    HttpResponse<InputStream> r = send(b.build());
    String body = drain(r);
    if (r.statusCode() != 200) {
      throw error(
          ref, r.statusCode() == 401 ? 401 : r.statusCode(), body, "get a token to " + action);
    }
    JsonNode json = JSON.readTree(body);
    String token = json.path("token").asText(json.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new RegistryException(
          ref.toString(),
          Reason.PROTOCOL,
          "the token endpoint " + c.param("realm").get() + " returned no token",
          null);
    }
    return token;
  }

  private RegistryException error(ImageReference ref, int status, String body, String action) {
    String detail = registryErrors(body);
    String where = ref.registry();
    return switch (status) {
      case 401 ->
          new RegistryException(
              ref.toString(),
              Reason.UNAUTHORIZED,
              "401 Unauthorized to "
                  + action
                  + detail
                  + "; check the login for "
                  + where
                  + " in ~/.docker/config.json or $XDG_RUNTIME_DIR/containers/auth.json",
              null);
      case 403 ->
          new RegistryException(
              ref.toString(),
              Reason.DENIED,
              "403 Forbidden to "
                  + action
                  + detail
                  + "; the login for "
                  + where
                  + " has no pull access to "
                  + ref.repository(),
              null);
      case 404 ->
          new RegistryException(
              ref.toString(),
              Reason.NOT_FOUND,
              "404 Not Found to " + action + detail + "; check the name and tag",
              null);
      case 429 ->
          new RegistryException(
              ref.toString(),
              Reason.TOO_MANY_REQUESTS,
              "429 Too Many Requests to "
                  + action
                  + detail
                  + "; the registry's rate limit was hit,"
                  + " retry later or log in",
              null);
      default ->
          new RegistryException(
              ref.toString(), Reason.PROTOCOL, "HTTP " + status + " to " + action + detail, null);
    };
  }

  /** The spec's {@code {"errors":[{"code","message"}]}}, as " (CODE: message)". */
  private static String registryErrors(String body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        JsonNode e = errors.get(0);
        return " (" + e.path("code").asText("?") + ": " + e.path("message").asText("") + ")";
      }
    } catch (IOException | RuntimeException e) {
      // Not the spec's JSON (a proxy's HTML page): the status says enough.
    }
    return "";
  }

  private static String drain(HttpResponse<InputStream> r) throws IOException {
    try (InputStream in = r.body()) {
      return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    }
  }

  private String baseUri(ImageReference ref) {
    return (plainHttp(ref) ? "http://" : "https://") + ref.apiHost();
  }

  /** Loopback hosts never leave the machine, so TLS buys nothing there; others must opt in. */
  boolean plainHttp(ImageReference ref) {
    if (insecure.contains(ref.registry())) {
      return true;
    }
    String host = ref.host();
    if (host.equals("localhost")) {
      return true;
    }
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  private static String basic(RegistryCredentials.Login l) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((l.user() + ":" + l.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
