package dev.mrt.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.image.ImageException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One docker credential helper, {@code docker-credential-<name>}, run as docker runs it: {@code
 * get} with the server address on stdin, answering {@code {"ServerURL","Username","Secret"}}.
 *
 * <p>Failures follow docker's client ({@code docker-credential-helpers/client.Get}): "credentials
 * not found" is no login (an anonymous pull); a helper that is missing or fails otherwise stops the
 * pull, since guessing anonymous there hides a broken setup behind a 401 later.
 *
 * @param name the part after {@code docker-credential-}
 * @param configuredIn the file that names it, for error messages
 * @param env the environment it runs in; its {@code PATH} is where the helper is looked up
 */
record CredentialHelper(String name, Path configuredIn, Map<String, String> env) {
  /** What a helper prints when it has nothing for the server (docker's errCredentialsNotFound). */
  static final String NOT_FOUND = "credentials not found in native keychain";

  /** Docker's marker: the secret is an identity (refresh) token, not a password. */
  static final String TOKEN_USER = "<token>";

  /** Helpers may talk to a keychain daemon or a cloud API; none should take longer. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  CredentialHelper {
    env = Map.copyOf(env);
  }

  String program() {
    return "docker-credential-" + name;
  }

  /**
   * The login the helper holds for {@code serverUrl}; empty when it has none.
   *
   * <p>An identity token (user {@value #TOKEN_USER}) is passed on as the Basic password with that
   * user: mrt's token flow only GETs the realm with Basic credentials and does not do the OAuth2
   * {@code refresh_token} grant docker uses for identity tokens. Registries that accept the token
   * as a password work; others answer 401, whose message names the login to check.
   *
   * @throws ImageException naming the helper and what to do when it is missing or fails
   */
  Optional<RegistryCredentials.Login> get(String serverUrl) {
    Path executable =
        find()
            .orElseThrow(
                () ->
                    new ImageException(
                        "credential helper "
                            + program()
                            + " (named in "
                            + configuredIn
                            + ") is not on PATH; install it, or remove"
                            + " it from credsStore/credHelpers there to pull anonymously"));
    ProcessBuilder pb = new ProcessBuilder(executable.toString(), "get").redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    String out;
    int exit;
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> output =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      try (OutputStream in = p.getOutputStream()) {
        in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      } catch (IOException closedEarly) {
        // A helper that exits without reading stdin still gets its exit status judged below.
      }
      if (!p.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw failure(serverUrl, "no answer within " + LIMIT.toSeconds() + "s");
      }
      exit = p.exitValue();
      out = new String(output.join(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw failure(serverUrl, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(serverUrl, "interrupted");
    }
    if (exit != 0) {
      if (out.contains(NOT_FOUND)) {
        return Optional.empty();
      }
      throw failure(
          serverUrl,
          "exit " + exit + (out.isEmpty() ? "" : ": " + out.lines().findFirst().orElse("")));
    }
    try {
      JsonNode json = new ObjectMapper().readTree(out);
      String user = json.path("Username").asText("");
      String secret = json.path("Secret").asText("");
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new RegistryCredentials.Login(user, secret));
    } catch (IOException e) {
      throw failure(serverUrl, "its answer is not the JSON docker helpers print");
    }
  }

  private ImageException failure(String serverUrl, String why) {
    return new ImageException(
        "credential helper "
            + program()
            + " (named in "
            + configuredIn
            + ") failed to get the login for "
            + serverUrl
            + " ("
            + why
            + "); run `echo "
            + serverUrl
            + " | "
            + program()
            + " get` to see why, or log in again");
  }

  /** Looked up here, not by ProcessBuilder: the JDK searches its own PATH, not the child's. */
  private Optional<Path> find() {
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program());
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
