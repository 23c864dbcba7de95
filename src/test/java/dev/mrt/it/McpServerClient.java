package dev.mrt.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mrt.gearman.GearmanClient;
import dev.mrt.gearman.ServerAddress;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Talks to mrt serve exactly as Archivematica's MCPServer does: a batch of tasks as compact JSON
 * (1.17+) or as Python's own protocol-0 pickle of the same dict (up to 1.16), submitted with the
 * batch UUID as Gearman unique; replies decoded with Jackson, or by Python's pickle.
 */
final class McpServerClient implements Closeable {
  /** The wire format of a batch and of its reply. */
  enum Wire {
    JSON,
    PICKLE
  }

  /** What MCPServer sends per task. */
  record TaskSpec(String uuid, String createdDate, String arguments, boolean wantsOutput) {}

  /** One task's result; {@code stdout}/{@code stderror} are null when the reply has none. */
  record TaskReply(
      JsonNode exitCode,
      String finishedTimestamp,
      String stdout,
      String stderror,
      String stderr,
      Map<String, String> pythonTypes) {
    int exit() {
      return exitCode.asInt();
    }
  }

  /** The end of a batch: WORK_FAIL, or WORK_COMPLETE with its results by task UUID. */
  record Reply(boolean failed, Map<String, TaskReply> results, byte[] raw) {
    TaskReply only() {
      if (results.size() != 1) {
        throw new AssertionError("expected one task result, got " + results.keySet());
      }
      return results.values().iterator().next();
    }
  }

  /** A batch in flight. */
  record Submitted(String handle, String unique, Wire wire) {}

  static final String CREATED = "2024-08-04T21:34:35.241750+00:00";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Python: the dict (JSON on stdin) as a protocol-0 pickle on stdout. */
  private static final String PICKLE_DUMP =
      "import pickle,sys,json; sys.stdout.buffer.write(pickle.dumps(json.load(sys.stdin), 0))";

  /**
   * Python: the reply pickle on stdin as JSON (datetimes as isoformat) on stdout, with the Python
   * type name of every task field under "types".
   */
  private static final String PICKLE_LOAD =
      String.join(
          "\n",
          "import pickle, sys, json, datetime",
          "r = pickle.loads(sys.stdin.buffer.read())",
          "types = {u: {k: type(v).__name__ for k, v in t.items()}"
              + " for u, t in r['task_results'].items()}",
          "def conv(o):",
          "    if isinstance(o, datetime.datetime): return o.isoformat()",
          "    raise TypeError(repr(o))",
          "print(json.dumps({'task_results': r['task_results'], 'types': types}, default=conv))");

  private final GearmanClient client;

  McpServerClient(ServerAddress server, Duration timeout) {
    try {
      client = new GearmanClient(server, timeout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A task wanting its output, with a fresh UUID. */
  static TaskSpec task(String arguments) {
    return new TaskSpec(UUID.randomUUID().toString(), CREATED, arguments, true);
  }

  static List<TaskSpec> tasks(String... arguments) {
    List<TaskSpec> out = new ArrayList<>();
    for (String a : arguments) {
      out.add(task(a));
    }
    return out;
  }

  /** Submits a batch and waits for its end. */
  Reply run(String function, Wire wire, List<TaskSpec> tasks) throws IOException {
    return await(submit(function, wire, tasks));
  }

  Reply run(String function, List<TaskSpec> tasks) throws IOException {
    return run(function, Wire.JSON, tasks);
  }

  Submitted submit(String function, Wire wire, List<TaskSpec> tasks) throws IOException {
    String unique = UUID.randomUUID().toString();
    return new Submitted(submitRaw(function, unique, payload(wire, tasks)), unique, wire);
  }

  /** Submits any bytes as a job; the handle. */
  String submitRaw(String function, String unique, byte[] data) throws IOException {
    return client.submit(function, unique, data);
  }

  Reply await(Submitted job) throws IOException {
    GearmanClient.Result r = client.await(job.handle());
    if (r.failed()) {
      return new Reply(true, Map.of(), r.data());
    }
    return new Reply(false, decode(job.wire(), r.data()), r.data());
  }

  /** Whether the job with this handle ended in WORK_FAIL. */
  boolean failed(String handle) throws IOException {
    return client.await(handle).failed();
  }

  /** MCPServer's payload: {"tasks": {UUID: {...}}} in the given wire format. */
  static byte[] payload(Wire wire, List<TaskSpec> tasks) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode map = root.putObject("tasks");
    for (TaskSpec t : tasks) {
      ObjectNode n = map.putObject(t.uuid());
      n.put("uuid", t.uuid());
      n.put("createdDate", t.createdDate());
      n.put("arguments", t.arguments());
      n.put("wants_output", t.wantsOutput());
    }
    try {
      byte[] json = JSON.writeValueAsBytes(root);
      return wire == Wire.JSON ? json : python(PICKLE_DUMP, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, TaskReply> decode(Wire wire, byte[] data) throws IOException {
    JsonNode root = JSON.readTree(wire == Wire.JSON ? data : python(PICKLE_LOAD, data));
    JsonNode results = root.get("task_results");
    if (results == null || !results.isObject()) {
      throw new AssertionError("reply without task_results: " + root);
    }
    Map<String, TaskReply> out = new LinkedHashMap<>();
    results
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode r = e.getValue();
              Map<String, String> types = new LinkedHashMap<>();
              root.path("types")
                  .path(e.getKey())
                  .fields()
                  .forEachRemaining(t -> types.put(t.getKey(), t.getValue().asText()));
              out.put(
                  e.getKey(),
                  new TaskReply(
                      r.get("exitCode"),
                      r.path("finishedTimestamp").asText(),
                      r.has("stdout") ? r.get("stdout").asText() : null,
                      r.has("stderror") ? r.get("stderror").asText() : null,
                      r.has("stderr") ? r.get("stderr").asText() : null,
                      types));
            });
    return out;
  }

  /** Runs python3 with a script, bytes in, bytes out; fails on a non-zero exit. */
  static byte[] python(String script, byte[] input) throws IOException {
    Process p = new ProcessBuilder("python3", "-c", script).start();
    try (var in = p.getOutputStream()) {
      in.write(input);
    }
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes());
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("python3 failed: " + err);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
