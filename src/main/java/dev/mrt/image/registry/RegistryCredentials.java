package dev.mrt.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.image.ImageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registry logins as docker and podman store them: {@code {"auths": {"host": {"auth":
 * base64(user:password)}}}} in {@code ~/.docker/config.json} and {@code
 * $XDG_RUNTIME_DIR/containers/auth.json}. Credential helpers are not run.
 */
public final class RegistryCredentials {
  /** A user and password for Basic auth, or for the token endpoint. */
  public record Login(String user, String password) {
    @Override
    public String toString() {
      return user + ":***";
    }
  }

  private final Map<String, Login> byHost;

  private RegistryCredentials(Map<String, Login> byHost) {
    this.byHost = Map.copyOf(byHost);
  }

  public static RegistryCredentials none() {
    return new RegistryCredentials(Map.of());
  }

  /**
   * Reads the files that exist; earlier files win for the same host.
   *
   * @throws ImageException when an existing file cannot be read or parsed
   */
  public static RegistryCredentials load(List<Path> files) {
    Map<String, Login> out = new HashMap<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        continue;
      }
      try {
        JsonNode auths = new ObjectMapper().readTree(f.toFile()).path("auths");
        for (var it = auths.fields(); it.hasNext(); ) {
          var e = it.next();
          String encoded = e.getValue().path("auth").asText("");
          if (encoded.isEmpty()) {
            continue;
          }
          String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
          int colon = decoded.indexOf(':');
          if (colon > 0) {
            out.putIfAbsent(hostOf(e.getKey()),
                new Login(decoded.substring(0, colon), decoded.substring(colon + 1)));
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new ImageException("cannot read registry credentials from " + f + " ("
            + e.getMessage() + "); fix or remove the file");
      }
    }
    return new RegistryCredentials(out);
  }

  /** The files docker and podman write, for this process's environment. */
  public static List<Path> defaultFiles(Map<String, String> env, Path home) {
    List<Path> files = new java.util.ArrayList<>();
    Optional.ofNullable(env.get("REGISTRY_AUTH_FILE")).map(Path::of).ifPresent(files::add);
    Optional.ofNullable(env.get("XDG_RUNTIME_DIR"))
        .map(d -> Path.of(d, "containers", "auth.json")).ifPresent(files::add);
    Optional.ofNullable(env.get("DOCKER_CONFIG"))
        .map(d -> Path.of(d, "config.json")).ifPresent(files::add);
    files.add(home.resolve(".docker/config.json"));
    return files;
  }

  /** The login for a registry as references name it ({@code docker.io} for Docker Hub). */
  public Optional<Login> forRegistry(String registry) {
    Login l = byHost.get(registry);
    if (l == null && registry.equals("docker.io")) {
      l = byHost.get("index.docker.io");
    }
    return Optional.ofNullable(l);
  }

  /** {@code https://index.docker.io/v1/} and {@code host:5000} both name a host. */
  private static String hostOf(String key) {
    String k = key.replaceFirst("^[a-z]+://", "");
    int slash = k.indexOf('/');
    return slash < 0 ? k : k.substring(0, slash);
  }
}
