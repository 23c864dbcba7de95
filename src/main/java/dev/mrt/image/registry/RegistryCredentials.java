package dev.mrt.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.image.ImageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry logins as docker and podman store them in {@code ~/.docker/config.json} and {@code
 * $XDG_RUNTIME_DIR/containers/auth.json}: {@code {"auths": {"host": {"auth":
 * base64(user:password)}}}}, or a credential helper named by {@code credHelpers} (per host) or
 * {@code credsStore} (every host), which docker prefers in that order over {@code auths}.
 *
 * <p>Helpers run on first need, once per host per process ({@link CredentialHelper}).
 */
public final class RegistryCredentials {
  /** A user and password for Basic auth, or for the token endpoint. */
  public record Login(String user, String password) {
    @Override
    public String toString() {
      return user + ":***";
    }
  }

  /** What one file says: helpers by host, a helper for all, and stored logins by host. */
  private record Source(
      Map<String, CredentialHelper> helpers,
      Optional<CredentialHelper> store,
      Map<String, Login> auths) {
    Optional<CredentialHelper> helperFor(String host) {
      return Optional.ofNullable(helpers.get(host)).or(() -> store);
    }
  }

  private final List<Source> sources;

  /** Helper answers: a helper may prompt or call a cloud API, so once per host is enough. */
  private final Map<String, Optional<Login>> asked = new ConcurrentHashMap<>();

  private RegistryCredentials(List<Source> sources) {
    this.sources = List.copyOf(sources);
  }

  public static RegistryCredentials none() {
    return new RegistryCredentials(List.of());
  }

  /**
   * Reads the files that exist; earlier files win for the same host.
   *
   * @param env the environment helpers run in (their PATH is searched for them)
   * @throws ImageException when an existing file cannot be read or parsed
   */
  public static RegistryCredentials load(List<Path> files, Map<String, String> env) {
    List<Source> out = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        continue;
      }
      try {
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        Map<String, Login> auths = new HashMap<>();
        for (var it = root.path("auths").fields(); it.hasNext(); ) {
          var e = it.next();
          String encoded = e.getValue().path("auth").asText("");
          if (encoded.isEmpty()) {
            continue;
          }
          String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
          int colon = decoded.indexOf(':');
          if (colon > 0) {
            auths.putIfAbsent(
                hostOf(e.getKey()),
                new Login(decoded.substring(0, colon), decoded.substring(colon + 1)));
          }
        }
        Map<String, CredentialHelper> helpers = new HashMap<>();
        for (var it = root.path("credHelpers").fields(); it.hasNext(); ) {
          var e = it.next();
          helpers.put(hostOf(e.getKey()), new CredentialHelper(e.getValue().asText(), f, env));
        }
        Optional<CredentialHelper> store =
            Optional.of(root.path("credsStore").asText(""))
                .filter(s -> !s.isEmpty())
                .map(s -> new CredentialHelper(s, f, env));
        out.add(new Source(Map.copyOf(helpers), store, Map.copyOf(auths)));
      } catch (IOException | IllegalArgumentException e) {
        throw new ImageException(
            "cannot read registry credentials from "
                + f
                + " ("
                + e.getMessage()
                + "); fix or remove the file");
      }
    }
    return new RegistryCredentials(out);
  }

  /** The files docker and podman write, for this process's environment. */
  public static List<Path> defaultFiles(Map<String, String> env, Path home) {
    List<Path> files = new ArrayList<>();
    Optional.ofNullable(env.get("REGISTRY_AUTH_FILE")).map(Path::of).ifPresent(files::add);
    Optional.ofNullable(env.get("XDG_RUNTIME_DIR"))
        .map(d -> Path.of(d, "containers", "auth.json"))
        .ifPresent(files::add);
    Optional.ofNullable(env.get("DOCKER_CONFIG"))
        .map(d -> Path.of(d, "config.json"))
        .ifPresent(files::add);
    files.add(home.resolve(".docker/config.json"));
    return files;
  }

  /**
   * The login for a registry as references name it ({@code docker.io} for Docker Hub). A file whose
   * helper has nothing for the host leaves it to the next file.
   *
   * @throws ImageException when a named credential helper is missing or fails
   */
  public Optional<Login> forRegistry(String registry) {
    List<String> hosts =
        registry.equals("docker.io") ? List.of("docker.io", "index.docker.io") : List.of(registry);
    for (Source s : sources) {
      for (String host : hosts) {
        Optional<CredentialHelper> helper = s.helperFor(host);
        Optional<Login> login =
            helper.isPresent()
                ? ask(helper.get(), registry)
                : Optional.ofNullable(s.auths().get(host));
        if (login.isPresent()) {
          return login;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Login> ask(CredentialHelper helper, String registry) {
    // Docker Hub logins are stored under docker's historical index address.
    String server = registry.equals("docker.io") ? "https://index.docker.io/v1/" : registry;
    String key = helper.program() + " " + server;
    Optional<Login> known = asked.get(key);
    if (known == null) {
      known = helper.get(server);
      asked.put(key, known);
    }
    return known;
  }

  /** {@code https://index.docker.io/v1/} and {@code host:5000} both name a host. */
  private static String hostOf(String key) {
    String k = key.replaceFirst("^[a-z]+://", "");
    int slash = k.indexOf('/');
    return slash < 0 ? k : k.substring(0, slash);
  }
}
