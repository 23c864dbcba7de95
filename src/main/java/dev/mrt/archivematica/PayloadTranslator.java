package dev.mrt.archivematica;

import dev.mrt.archivematica.wire.BatchWire;
import dev.mrt.archivematica.wire.ResultsWire;
import dev.mrt.archivematica.wire.TaskResultWire;
import dev.mrt.archivematica.wire.TaskWire;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The only place that converts between wire records and mrt's batch types. */
final class PayloadTranslator {
  /** Always six fraction digits and an explicit +00:00: what MCPServer's fromisoformat reads. */
  private static final DateTimeFormatter FINISHED =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  private PayloadTranslator() {}

  static Batch toBatch(BatchWire wire, Encoding encoding) {
    if (wire == null || wire.tasks() == null) {
      throw new PayloadException("job payload has no \"tasks\"");
    }
    List<Task> tasks = new ArrayList<>();
    for (Map.Entry<String, TaskWire> entry : wire.tasks().entrySet()) {
      tasks.add(toTask(entry.getKey(), entry.getValue()));
    }
    return new Batch(encoding, tasks);
  }

  /** The dict key is the task UUID, as MCPClient uses it; an inner uuid must agree. */
  private static Task toTask(String uuid, TaskWire wire) {
    if (wire == null) {
      throw new PayloadException("task " + uuid + " is null");
    }
    if (wire.uuid() != null && !wire.uuid().equals(uuid)) {
      throw new PayloadException("task " + uuid + " has a different \"uuid\": " + wire.uuid());
    }
    String created = required(uuid, "createdDate", wire.createdDate());
    PythonDateTime createdDate;
    try {
      createdDate = PythonDateTime.parse(created);
    } catch (DateTimeParseException e) {
      throw new PayloadException(
          "task " + uuid + " has a malformed \"createdDate\": " + created, e);
    }
    String arguments = required(uuid, "arguments", wire.arguments());
    boolean wantsOutput = wire.wantsOutput() == null || wire.wantsOutput();
    return new Task(uuid, createdDate, arguments, wantsOutput);
  }

  private static String required(String uuid, String field, String value) {
    if (value == null) {
      throw new PayloadException("task " + uuid + " has no \"" + field + "\"");
    }
    return value;
  }

  /**
   * @throws IllegalArgumentException when a task of the batch has no result: MCPServer indexes the
   *     reply by every task UUID, so a partial reply would crash it
   * @param stderrToo send each task's stderror under {@code stderr} as well
   */
  static ResultsWire toWire(Batch batch, Map<String, TaskResult> results, boolean stderrToo) {
    Map<String, TaskResultWire> wire = new LinkedHashMap<>();
    for (Task task : batch.tasks()) {
      TaskResult result = results.get(task.uuid());
      if (result == null) {
        throw new IllegalArgumentException("no result for task " + task.uuid());
      }
      wire.put(
          task.uuid(),
          new TaskResultWire(
              result.exitCode(),
              FINISHED.format(result.finishedTimestamp()),
              task.wantsOutput() ? result.stdout() : null,
              task.wantsOutput() ? result.stderror() : null,
              task.wantsOutput() && stderrToo ? result.stderror() : null));
    }
    return new ResultsWire(wire);
  }

  /** The finished timestamp as the datetime MCPClient pickled ({@code timezone.now()}). */
  static PythonDateTime finishedDateTime(String isoTimestamp) {
    return PythonDateTime.utc(Instant.from(FINISHED.parse(isoTimestamp)));
  }
}
