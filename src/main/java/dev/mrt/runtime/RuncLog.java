package dev.mrt.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads runc's JSON log ({@code --log-format json}). An error entry there is how mrt tells "runc
 * could not start the container" from "the command exited non-zero": both make {@code runc run}
 * exit 1.
 */
final class RuncLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuncLog() {}

  /** The message of the last {@code "level":"error"} entry, if any. */
  static Optional<String> lastError(Path log) {
    String text;
    try {
      if (!Files.isRegularFile(log) || Files.size(log) == 0) {
        return Optional.empty();
      }
      text = Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    String last = null;
    // runc writes entries back to back, with or without newlines between them.
    for (String part : text.replace("}{", "}\n{").split("\n")) {
      try {
        JsonNode entry = JSON.readTree(part);
        if (entry != null && "error".equals(entry.path("level").asText())) {
          last = entry.path("msg").asText();
        }
      } catch (IOException e) {
        // A half-written entry at the end: skip it.
      }
    }
    return Optional.ofNullable(last);
  }
}
