package dev.mrt.archivematica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batch-mode contract: one container gets a whole batch as {@code tasks.json} and answers with
 * {@code results.json}, both in a directory mounted at {@link #MOUNT_POINT}.
 *
 * <pre>
 * tasks.json   {"function": "...", "module": "...",
 *               "tasks": [{"uuid": "...", "arguments": "...", "args": ["arg", ...],
 *                          "argv": ["module", "arg", ...], "createdDate": "...",
 *                          "wantsOutput": true}, ...]}
 * results.json {"results": {"UUID": {"exitCode": 0, "stdout": "...", "stderr": "...",
 *                                    "endTime": "2024-08-04T21:34:36.661575+00:00"}, ...},
 *               "batchFailed": "...", "setupFailed": "..."}
 * </pre>
 *
 * {@code arguments} has MCPClient's tokens replaced, {@code args} is it split as MCPClient splits
 * it, and {@code argv} is what a task-mode container would run. In the results, {@code endTime} is
 * optional (mrt's clock when absent); {@code batchFailed} says the batch as a whole failed (Gearman
 * WORK_FAIL, as MCPClient when a script's call raises), {@code setupFailed} that no task ran at
 * all, and why. The paths are also given as {@code MRT_BATCH_TASKS} and {@code MRT_BATCH_RESULTS}.
 */
public final class BatchFiles {
  /** Inside the container: under the per-container tmpfs /run, so the image is never touched. */
  public static final String MOUNT_POINT = "/run/mrt-batch";

  public static final String TASKS = "tasks.json";
  public static final String RESULTS = "results.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One task's result as the runner reported it. */
  public record Reported(int exitCode, String stdout, String stderr, Optional<Instant> endTime) {}

  /** Everything the runner answered. */
  public record Answer(
      Map<String, Reported> results, Optional<String> batchFailed, Optional<String> setupFailed) {}

  private BatchFiles() {}

  /**
   * A task as handed to the runner.
   *
   * @param args the arguments, split
   * @param argv the task command followed by {@code args}
   */
  public record Entry(Task task, String arguments, List<String> args, List<String> argv) {}

  static void writeTasks(Path dir, String function, String module, List<Entry> entries)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("function", function);
    root.put("module", module);
    ArrayNode tasks = root.putArray("tasks");
    for (Entry e : entries) {
      ObjectNode t = tasks.addObject();
      t.put("uuid", e.task().uuid());
      t.put("arguments", e.arguments());
      ArrayNode args = t.putArray("args");
      e.args().forEach(args::add);
      ArrayNode argv = t.putArray("argv");
      e.argv().forEach(argv::add);
      t.put("createdDate", e.task().createdDate().isoformat());
      t.put("wantsOutput", e.task().wantsOutput());
    }
    Files.write(dir.resolve(TASKS), JSON.writeValueAsBytes(root));
  }

  /**
   * What the runner wrote; tasks it left out are missing from the results.
   *
   * @throws IOException when the file is missing or not the documented JSON
   */
  static Answer readResults(Path dir) throws IOException {
    JsonNode root = JSON.readTree(dir.resolve(RESULTS).toFile());
    if (root == null || !root.isObject()) {
      throw new IOException(RESULTS + " is not a JSON object");
    }
    Optional<String> setupFailed = text(root, "setupFailed");
    JsonNode results = root.get("results");
    if (setupFailed.isEmpty() && (results == null || !results.isObject())) {
      throw new IOException(RESULTS + " has no \"results\" object");
    }
    Map<String, Reported> out = new LinkedHashMap<>();
    var fields =
        results == null
            ? Collections.<Map.Entry<String, JsonNode>>emptyIterator()
            : results.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      JsonNode r = f.getValue();
      if (!r.path("exitCode").canConvertToInt()) {
        throw new IOException("result for " + f.getKey() + " has no integer exitCode");
      }
      out.put(
          f.getKey(),
          new Reported(
              r.get("exitCode").asInt(),
              r.path("stdout").asText(""),
              r.path("stderr").asText(""),
              endTime(f.getKey(), r.get("endTime"))));
    }
    return new Answer(out, text(root, "batchFailed"), setupFailed);
  }

  private static Optional<String> text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
  }

  /** Python's isoformat(): with an offset when the time is aware, else taken as UTC. */
  private static Optional<Instant> endTime(String uuid, JsonNode n) throws IOException {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    try {
      TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parse(n.asText());
      return Optional.of(
          t.isSupported(ChronoField.OFFSET_SECONDS)
              ? Instant.from(t)
              : LocalDateTime.from(t).toInstant(ZoneOffset.UTC));
    } catch (DateTimeException e) {
      throw new IOException(
          "result for " + uuid + " has an endTime that is not ISO 8601: " + n.asText());
    }
  }
}
