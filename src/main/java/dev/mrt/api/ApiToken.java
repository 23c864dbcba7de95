package dev.mrt.api;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.config.ApiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The job API's bearer token: the configured one, else one generated once into a file only mrt's
 * user can read (kept across restarts while the file is). Without it a job on the host's network,
 * or any local user, could start containers as mrt's user.
 */
@ApplicationScoped
public class ApiToken {
  private final ApiConfig config;
  private volatile Optional<String> token;

  public ApiToken(ApiConfig config) {
    this.config = config;
  }

  /** The token requests must carry, or empty when mrt.api.auth=none. */
  public Optional<String> expected() {
    Optional<String> t = token;
    if (t == null) {
      synchronized (this) {
        if (token == null) {
          token = load();
        }
        t = token;
      }
    }
    return t;
  }

  /** For serve's start-up log: where a client finds the token, never the token itself. */
  public String describe() {
    if (expected().isEmpty()) {
      return "job API: no authentication (mrt.api.auth=none)";
    }
    return "job API: Authorization: Bearer <token>"
        + (config.token().isPresent() ? " (mrt.api.token)" : ", token in " + config.tokenFile());
  }

  private Optional<String> load() {
    if (config.auth() == ApiConfig.Auth.NONE) {
      return Optional.empty();
    }
    if (config.token().isPresent()) {
      return config.token().map(String::strip);
    }
    Path file = config.tokenFile();
    try {
      if (!Files.exists(file)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.writeString(
              Files.createFile(
                  file,
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------"))),
              HexFormat.of().formatHex(random) + "\n",
              StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException raced) {
          // Another mrt sharing the directory made it first: use theirs.
        }
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (text.length() < 16) {
        throw new MrtException(
            "API token file "
                + file
                + " holds fewer than 16 characters;"
                + " delete it to have a new one generated, or set mrt.api.token");
      }
      return Optional.of(text);
    } catch (IOException e) {
      throw new MrtException(
          "cannot read or create the API token file "
              + file
              + " ("
              + IoErrors.describe(e)
              + "); set mrt.api.token-file to a writable place",
          e);
    }
  }
}
