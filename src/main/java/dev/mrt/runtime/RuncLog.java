package dev.mrt.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads runc's JSON log ({@code --log-format json}). An error entry there is how mrt tells "runc
 * could not start the container" from "the command exited non-zero": both make {@code runc run}
 * exit 1.
 */
final class RuncLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuncLog() {}

  /** The message of the last {@code "level":"error"} entry: the one runc repeats on stderr. */
  static Optional<String> lastError(Path log) {
    List<String> errors = errors(log);
    return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(errors.size() - 1));
  }

  /**
   * Why the container did not start: the first error (the cause, e.g. nsexec's "unshare: no space
   * left on device"), followed by runc's last one when that differs (what it gave up on).
   */
  static Optional<String> failure(Path log) {
    List<String> errors = errors(log);
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    String first = errors.get(0);
    String last = errors.get(errors.size() - 1);
    return Optional.of(first.equals(last) ? first : first + " (" + last + ")");
  }

  private static List<String> errors(Path log) {
    String text;
    try {
      if (!Files.isRegularFile(log) || Files.size(log) == 0) {
        return List.of();
      }
      text = Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
    List<String> errors = new ArrayList<>();
    // runc writes entries back to back, with or without newlines between them.
    for (String part : text.replace("}{", "}\n{").split("\n")) {
      try {
        JsonNode entry = JSON.readTree(part);
        // nsexec (runc's C part) reports its failures at level "fatal".
        String level = entry == null ? "" : entry.path("level").asText();
        if (level.equals("error") || level.equals("fatal")) {
          errors.add(entry.path("msg").asText());
        }
      } catch (IOException e) {
        // A half-written entry at the end: skip it.
      }
    }
    return errors;
  }
}
