package dev.mrt.archivematica;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.mrt.archivematica.wire.BatchWire;
import dev.mrt.archivematica.wire.ResultsWire;
import dev.mrt.archivematica.wire.TaskResultWire;
import dev.mrt.archivematica.wire.TaskWire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import net.razorvine.pickle.PickleException;

/**
 * Decodes MCPServer's job payloads and encodes the results, in JSON (1.17+) or pickle (up to 1.16),
 * whichever the job came in.
 */
public final class PayloadCodec {
  /** Compact output, as Python's {@code json.dumps(..., separators=(",", ":"))}. */
  /**
   * Strict as MCPServer's own json.dumps output is: nothing after the document, and no number or
   * boolean read as a string (an "arguments": 123 is a broken batch, not the text "123").
   */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfig(
              LogicalType.Textual,
              c ->
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .build();

  private PayloadCodec() {}

  /**
   * @throws PayloadException when the payload is not a batch mrt can run
   */
  public static Batch decode(byte[] payload) {
    Encoding encoding = Encoding.detect(payload);
    BatchWire wire = encoding == Encoding.JSON ? readJson(payload) : readPickle(payload);
    return PayloadTranslator.toBatch(wire, encoding);
  }

  /**
   * The WORK_COMPLETE data for a batch, in the batch's encoding.
   *
   * @param results a result for every task of the batch, by task UUID
   */
  public static byte[] encodeResults(
      Batch batch, Map<String, TaskResult> results, boolean stderrToo) {
    ResultsWire wire = PayloadTranslator.toWire(batch, results, stderrToo);
    if (batch.encoding() == Encoding.JSON) {
      try {
        return JSON.writeValueAsBytes(wire);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write result JSON", e);
      }
    }
    return Protocol0Pickler.dumps(Map.of("task_results", toPickleTree(wire)));
  }

  private static BatchWire readJson(byte[] payload) {
    try {
      return JSON.readValue(payload, BatchWire.class);
    } catch (IOException e) {
      throw new PayloadException("malformed JSON job payload: " + firstLine(e.getMessage()), e);
    }
  }

  private static BatchWire readPickle(byte[] payload) {
    PickleScanner.check(payload);
    Object tree;
    try {
      tree = new SafeUnpickler().loads(payload);
    } catch (PickleException e) {
      throw new PayloadException("malformed pickle job payload: " + firstLine(e.getMessage()), e);
    } catch (IOException | RuntimeException e) {
      // razorvine trusts the opcode order; a scrambled one surfaces as a Java runtime error.
      throw new PayloadException(
          "malformed pickle job payload: broken opcode sequence ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    Map<?, ?> root = asMap(tree, "the payload");
    Map<?, ?> tasks = asMap(root.get("tasks"), "\"tasks\"");
    Map<String, TaskWire> wire = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : tasks.entrySet()) {
      String uuid = asText(entry.getKey(), "a task key");
      Map<?, ?> task = asMap(entry.getValue(), "task " + uuid);
      Object createdDate = task.get("createdDate");
      wire.put(
          uuid,
          new TaskWire(
              asOptionalText(task.get("uuid"), "\"uuid\" of task " + uuid),
              createdDate instanceof PythonDateTime dateTime
                  ? dateTime.isoformat()
                  : asOptionalText(createdDate, "\"createdDate\" of task " + uuid),
              asOptionalText(task.get("arguments"), "\"arguments\" of task " + uuid),
              asOptionalBoolean(task.get("wants_output"), uuid)));
    }
    return new BatchWire(wire);
  }

  /** Result records as the dicts MCPClient pickled; only the timestamp changes type. */
  private static Map<String, Object> toPickleTree(ResultsWire wire) {
    Map<String, Object> results = new LinkedHashMap<>();
    for (Map.Entry<String, TaskResultWire> entry : wire.taskResults().entrySet()) {
      TaskResultWire result = entry.getValue();
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("exitCode", result.exitCode());
      task.put("finishedTimestamp", PayloadTranslator.finishedDateTime(result.finishedTimestamp()));
      if (result.stdout() != null) {
        task.put("stdout", result.stdout());
        task.put("stderror", result.stderror());
      }
      if (result.stderr() != null) {
        task.put("stderr", result.stderr());
      }
      results.put(entry.getKey(), task);
    }
    return results;
  }

  private static Map<?, ?> asMap(Object value, String what) {
    if (value instanceof Map<?, ?> map) {
      return map;
    }
    throw new PayloadException(what + " is not a dict but " + typeName(value));
  }

  private static String asText(Object value, String what) {
    String text = asOptionalText(value, what);
    if (text == null) {
      throw new PayloadException(what + " is None");
    }
    return text;
  }

  /** Python 2 str, unicode and Python 3 bytes all arrive; bytes are UTF-8 text here. */
  private static String asOptionalText(Object value, String what) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    throw new PayloadException(what + " is not a string but " + typeName(value));
  }

  private static Boolean asOptionalBoolean(Object value, String uuid) {
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    if (value instanceof Number number) {
      return number.intValue() != 0; // Python truthiness of 0/1
    }
    throw new PayloadException(
        "\"wants_output\" of task " + uuid + " is not a boolean but " + typeName(value));
  }

  private static String typeName(Object value) {
    return value == null ? "None" : value.getClass().getSimpleName();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
