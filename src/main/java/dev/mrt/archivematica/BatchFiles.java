package dev.mrt.archivematica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch-mode contract: one container gets a whole batch as {@code tasks.json} and answers
 * with {@code results.json}, both in a directory mounted at {@link #MOUNT_POINT}.
 *
 * <pre>
 * tasks.json   {"function": "...", "module": "...",
 *               "tasks": [{"uuid": "...", "arguments": "...", "argv": ["module", "arg", ...],
 *                          "createdDate": "...", "wantsOutput": true}, ...]}
 * results.json {"results": {"UUID": {"exitCode": 0, "stdout": "...", "stderr": "..."}, ...}}
 * </pre>
 *
 * {@code arguments} has MCPClient's tokens replaced; {@code argv} is what a task-mode container
 * would run. The paths are also given as {@code MRT_BATCH_TASKS} and {@code MRT_BATCH_RESULTS}.
 */
public final class BatchFiles {
  /** Inside the container: under the per-container tmpfs /run, so the image is never touched. */
  public static final String MOUNT_POINT = "/run/mrt-batch";

  public static final String TASKS = "tasks.json";
  public static final String RESULTS = "results.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One task's result as the runner reported it. */
  public record Reported(int exitCode, String stdout, String stderr) {}

  private BatchFiles() {}

  /** A task as handed to the runner. */
  public record Entry(Task task, String arguments, List<String> argv) {}

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
      ArrayNode argv = t.putArray("argv");
      e.argv().forEach(argv::add);
      t.put("createdDate", e.task().createdDate().isoformat());
      t.put("wantsOutput", e.task().wantsOutput());
    }
    Files.write(dir.resolve(TASKS), JSON.writeValueAsBytes(root));
  }

  /**
   * The results the runner wrote; tasks it left out are missing from the map.
   *
   * @throws IOException when the file is missing or not the documented JSON
   */
  static Map<String, Reported> readResults(Path dir) throws IOException {
    JsonNode root = JSON.readTree(dir.resolve(RESULTS).toFile());
    JsonNode results = root == null ? null : root.get("results");
    if (results == null || !results.isObject()) {
      throw new IOException(RESULTS + " has no \"results\" object");
    }
    Map<String, Reported> out = new LinkedHashMap<>();
    var fields = results.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      JsonNode r = f.getValue();
      if (!r.path("exitCode").canConvertToInt()) {
        throw new IOException("result for " + f.getKey() + " has no integer exitCode");
      }
      out.put(f.getKey(), new Reported(r.get("exitCode").asInt(), r.path("stdout").asText(""),
          r.path("stderr").asText("")));
    }
    return out;
  }
}
