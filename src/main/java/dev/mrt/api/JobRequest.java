package dev.mrt.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt.Durations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A job as POSTed to /v1/jobs, validated field by field so a bad body gets a 400 that names the
 * field: {@code {image, args, env, workdir, timeout, stdin}}.
 */
public record JobRequest(
    String image,
    List<String> args,
    Map<String, String> env,
    Optional<String> workdir,
    Optional<Duration> timeout,
    Optional<byte[]> stdin) {

  private static final Set<String> FIELDS =
      Set.of("image", "args", "env", "workdir", "timeout", "stdin");

  /**
   * @throws ProblemException 400 naming the first wrong field
   */
  static JobRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ProblemException.badField(null, "the body must be a JSON object with at least args");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw ProblemException.badField(f, "unknown field '" + f + "'; known: " + FIELDS);
      }
    }
    String image = "default";
    if (body.has("image")) {
      image = text(body, "image");
      if (image.isBlank()) {
        throw ProblemException.badField("image", "image must not be empty");
      }
    }
    JsonNode argsNode = body.get("args");
    if (argsNode == null || !argsNode.isArray() || argsNode.isEmpty()) {
      throw ProblemException.badField(
          "args", "args must be a non-empty array of strings, e.g. [\"python3\", \"-V\"]");
    }
    List<String> args = new ArrayList<>();
    for (JsonNode a : argsNode) {
      if (!a.isTextual()) {
        throw ProblemException.badField("args", "every element of args must be a string");
      }
      args.add(a.asText());
    }
    if (args.get(0).isEmpty()) {
      throw ProblemException.badField("args", "args[0], the command, must not be empty");
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (body.has("env")) {
      JsonNode e = body.get("env");
      if (!e.isObject()) {
        throw ProblemException.badField("env", "env must be an object of string values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> kv = it.next();
        if (!kv.getValue().isTextual() || kv.getKey().isEmpty() || kv.getKey().contains("=")) {
          throw ProblemException.badField(
              "env", "env." + kv.getKey() + " must be a string, under a name without '='");
        }
        env.put(kv.getKey(), kv.getValue().asText());
      }
    }
    Optional<String> workdir = Optional.empty();
    if (body.has("workdir")) {
      String w = text(body, "workdir");
      if (!w.startsWith("/")) {
        throw ProblemException.badField("workdir", "workdir must be an absolute path");
      }
      workdir = Optional.of(w);
    }
    Optional<Duration> timeout = Optional.empty();
    if (body.has("timeout")) {
      JsonNode t = body.get("timeout");
      Duration d =
          t.isNumber()
              ? Duration.ofMillis((long) (t.asDouble() * 1000))
              : t.isTextual() ? Durations.parse(t.asText()) : null;
      if (d == null || d.isZero() || d.isNegative()) {
        throw ProblemException.badField(
            "timeout",
            "timeout must be a positive number of seconds or a duration such as \"30s\"");
      }
      timeout = Optional.of(d);
    }
    Optional<byte[]> stdin = Optional.empty();
    if (body.has("stdin")) {
      stdin = Optional.of(text(body, "stdin").getBytes(StandardCharsets.UTF_8));
    }
    return new JobRequest(image, args, env, workdir, timeout, stdin);
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (!n.isTextual()) {
      throw ProblemException.badField(field, field + " must be a string");
    }
    return n.asText();
  }
}
