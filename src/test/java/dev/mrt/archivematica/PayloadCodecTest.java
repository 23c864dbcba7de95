package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.razorvine.pickle.PickleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PayloadCodecTest {
  private static final String U1 = "8022802f-6097-43d8-b217-2ed7f2b38f09";
  private static final String U2 = "1b3d7f3e-5c0a-4a53-9d43-5a5f3d3c2b10";
  private static final String NOTES_JOB =
      "{\"tasks\":{\""
          + U1
          + "\":{\"uuid\":\""
          + U1
          + "\",\"createdDate\":"
          + "\"2024-08-04T21:34:35.241750+00:00\",\"arguments\":\"-d \\\"%sharedPath%\\\"\","
          + "\"wants_output\":true}}}";

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = PayloadCodecTest.class.getResourceAsStream("/archivematica/" + name)) {
      return in.readAllBytes();
    }
  }

  private static String refusal(String pickle) {
    return assertThrows(PayloadException.class, () -> PayloadCodec.decode(bytes(pickle)))
        .getMessage();
  }

  // ---- JSON (1.17+) ----

  @Test
  void testDecode_jsonFromProtocolNotes() {
    Batch batch = PayloadCodec.decode(NOTES_JOB.getBytes(StandardCharsets.UTF_8));
    assertEquals(Encoding.JSON, batch.encoding());
    assertEquals(
        List.of(
            new Task(
                U1,
                PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00"),
                "-d \"%sharedPath%\"",
                true)),
        batch.tasks());
  }

  @Test
  void testDecode_jsonKeepsOrderAndDefaultsWantsOutput() {
    String json =
        "{\"tasks\":{\"b\":{\"createdDate\":\"2024-01-01T00:00:00+00:00\",\"arguments\":\"\"},"
            + "\"a\":{\"createdDate\":\"2024-01-01T00:00:00+00:00\",\"arguments\":\"x\",\"wants_output\":false}}}";
    Batch batch = PayloadCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("b", "a"), batch.tasks().stream().map(Task::uuid).toList());
    assertTrue(batch.tasks().get(0).wantsOutput());
    assertFalse(batch.tasks().get(1).wantsOutput());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}| job payload has no \"tasks\"",
        "{\"tasks\":{\"u\":{\"createdDate\":\"2024-01-01T00:00:00\"}}}| task u has no \"arguments\"",
        "{\"tasks\":{\"u\":{\"arguments\":\"\"}}}| task u has no \"createdDate\"",
        "{\"tasks\":{\"u\":{\"arguments\":\"\",\"createdDate\":\"soon\"}}}| task u has a malformed \"createdDate\": soon",
        "{\"tasks\":{\"u\":{\"uuid\":\"v\",\"arguments\":\"\",\"createdDate\":\"2024-01-01T00:00:00\"}}}| task u has a different \"uuid\": v",
        "{\"tasks\":{\"u\":null}}| task u is null"
      })
  void testDecode_jsonMissingOrMalformedField(String json, String message) {
    PayloadException e =
        assertThrows(
            PayloadException.class,
            () -> PayloadCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"{not json", "{\"tasks\":[1,2]}", "{\"tasks\":{\"u\":{\"arguments\":{}}}}"})
  void testDecode_jsonGarbage(String json) {
    PayloadException e =
        assertThrows(
            PayloadException.class,
            () -> PayloadCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("malformed JSON job payload: "), e.getMessage());
  }

  // ---- pickle (up to 1.16) ----

  @Test
  void testDecode_picklePython3AwareDatetimes() throws IOException {
    Batch batch = PayloadCodec.decode(fixture("py3-datetime.pickle"));
    assertEquals(Encoding.PICKLE, batch.encoding());
    assertEquals(List.of(U1, U2), batch.tasks().stream().map(Task::uuid).toList());
    Task first = batch.tasks().get(0);
    assertEquals("2024-08-04 21:34:35.241750+00:00", first.createdDate().pythonStr());
    assertEquals("-d \"%sharedPath%\" --uuid %taskUUID% \"caf\u00e9 \u65e5\"", first.arguments());
    assertTrue(first.wantsOutput());
    Task second = batch.tasks().get(1);
    assertEquals("2024-08-04 21:34:35+00:00", second.createdDate().pythonStr());
    assertFalse(second.wantsOutput());
  }

  @Test
  void testDecode_pickleNaiveDatetimeAndIsoString() throws IOException {
    Batch batch = PayloadCodec.decode(fixture("py3-naive-and-string.pickle"));
    assertEquals("2024-08-04 21:34:35.241750", batch.tasks().get(0).createdDate().pythonStr());
    assertEquals(
        "2024-08-04 21:34:35.241750+00:00", batch.tasks().get(1).createdDate().pythonStr());
  }

  @Test
  void testDecode_picklePython2WithPytz() throws IOException {
    Batch batch = PayloadCodec.decode(fixture("py2-pytz.pickle"));
    assertEquals(
        List.of(
            new Task(
                U1,
                PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00"),
                "-d \"%sharedPath%\"",
                true)),
        batch.tasks());
  }

  static Stream<Arguments> hostilePickles() {
    return Stream.of(
        Arguments.of(
            "cos\nsystem\n(S'echo pwned'\ntR.", "global os.system at offset 0 is not allowed"),
        Arguments.of(
            "c__builtin__\neval\n(S'1+1'\ntR.",
            "global __builtin__.eval at offset 0 is not allowed"),
        Arguments.of(
            "cbuiltins\nexec\n(S'1'\ntR.", "global builtins.exec at offset 0 is not allowed"),
        Arguments.of(
            "(dp0\nS'x'\ncsubprocess\ncall\n(S'id'\ntRs.",
            "global subprocess.call at offset 10 is not allowed"),
        Arguments.of(
            "c__builtin__\nset\n((lp0\ntR.", "global __builtin__.set at offset 0 is not allowed"),
        Arguments.of("(S'echo'\nios\nsystem\n.", "opcode 'i' at offset 9 is not allowed"),
        Arguments.of(
            "(cdatetime\ndatetime\nI2024\nI1\nI1\no.", "opcode 'o' at offset 32 is not allowed"),
        Arguments.of("(dp0\n(dp1\nb.", "opcode 'b' at offset 10 is not allowed"),
        Arguments.of("Vos\nVsystem\n\u0093.", "opcode 0x93 at offset 12 is not allowed"),
        Arguments.of("P1\n.", "opcode 'P' at offset 0 is not allowed"),
        Arguments.of("\u0080\u0004K\u0001.", "pickle protocol above 2 at offset 0"),
        Arguments.of("cdatetime\ndatetime\n\u0081.", "opcode 0x81 at offset 19 is not allowed"),
        Arguments.of("\u0082\u0001.", "opcode 0x82 at offset 0 is not allowed"),
        Arguments.of("(dp0\n", "truncated: no STOP opcode in 5 bytes"),
        Arguments.of("(dp0\n.garbage", "7 bytes after the STOP opcode"),
        Arguments.of("garbage", "truncated: opcode at offset 0 has no end of line"),
        Arguments.of("", "truncated: no STOP opcode in 0 bytes"),
        Arguments.of("S'unterminated", "truncated: opcode at offset 0 has no end of line"),
        Arguments.of(
            "X\u00ff\u00ff\u00ff\u007f.", "truncated: opcode at offset 0 claims 2147483647 bytes"));
  }

  @ParameterizedTest
  @MethodSource("hostilePickles")
  void testDecode_hostileOrBrokenPickleRefusedBeforeUnpickling(String pickle, String why) {
    assertEquals("refused pickle payload: " + why, refusal(pickle));
  }

  @Test
  void testSafeUnpickler_refusesGlobalsEvenWithoutScanner() {
    PickleException e =
        assertThrows(
            PickleException.class,
            () -> new SafeUnpickler().loads(bytes("cos\nsystem\n(S'x'\ntR.")));
    assertEquals("global os.system is not allowed", e.getMessage());
  }

  static Stream<Arguments> wrongShapes() {
    return Stream.of(
        Arguments.of("(lp0\n.", "the payload is not a dict but ArrayList"),
        Arguments.of("(dp0\nVtasks\np1\nI3\ns.", "\"tasks\" is not a dict but Integer"),
        Arguments.of(
            "(dp0\nVtasks\n(dVu\n(dVarguments\nI1\nsss.",
            "\"arguments\" of task u is not a string but Integer"),
        Arguments.of(
            "(dp0\nVtasks\n(dVu\n(dVarguments\nV\nsVcreatedDate\nVx\nsss.",
            "task u has a malformed \"createdDate\": x"),
        Arguments.of("(dp0\nVtasks\n(dVu\nNss.", "task u is not a dict but None"),
        Arguments.of(
            "(dp0\nVtasks\n(dVu\n(dVcreatedDate\ncdatetime\ndatetime\n(I2024\ntRsss.",
            "malformed pickle job payload: datetime takes 3 to 8 arguments, got 1"),
        Arguments.of(
            "(dp0\nVtasks\n(dVu\n(dVcreatedDate\ncdatetime\ndatetime\n(I2024\nI13\nI1\ntRsss.",
            "malformed pickle job payload: invalid datetime: Invalid value for MonthOfYear (valid values 1 - 12): 13"),
        Arguments.of(
            "(dp0\nVtasks\n(dVu\n(dVx\nc_codecs\nencode\n(Vx\nVrot13\ntRsss.",
            "malformed pickle job payload: _codecs.encode is allowed only as (str, 'latin1')"),
        Arguments.of(
            "Rd.",
            "malformed pickle job payload: broken opcode sequence (IndexOutOfBoundsException)"));
  }

  @ParameterizedTest
  @MethodSource("wrongShapes")
  void testDecode_pickleWithWrongShapes(String pickle, String message) {
    assertEquals(
        message,
        assertThrows(PayloadException.class, () -> PayloadCodec.decode(bytes(pickle)))
            .getMessage());
  }

  // ---- results ----

  private static Batch twoTasks(Encoding encoding) {
    PythonDateTime created = PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00");
    return new Batch(
        encoding, List.of(new Task(U1, created, "", true), new Task(U2, created, "", false)));
  }

  private static Map<String, TaskResult> results() {
    Map<String, TaskResult> results = new LinkedHashMap<>();
    results.put(
        U1, new TaskResult(0, Instant.parse("2024-08-04T21:34:36Z"), "out \u00e9\n", "err\\"));
    results.put(
        U2, new TaskResult(1, Instant.parse("2024-08-04T21:34:36.661575Z"), "hidden", "hidden"));
    return results;
  }

  @Test
  void testEncodeResults_jsonExactlyAsMcpClient() {
    assertEquals(
        "{\"task_results\":{\""
            + U1
            + "\":{\"exitCode\":0,\"finishedTimestamp\":"
            + "\"2024-08-04T21:34:36.000000+00:00\",\"stdout\":\"out \u00e9\\n\",\"stderror\":\"err\\\\\"},\""
            + U2
            + "\":{\"exitCode\":1,\"finishedTimestamp\":\"2024-08-04T21:34:36.661575+00:00\"}}}",
        new String(
            PayloadCodec.encodeResults(twoTasks(Encoding.JSON), results(), false),
            StandardCharsets.UTF_8));
  }

  @Test
  void testEncodeResults_stderrBesideStderrorWhenAsked() {
    assertEquals(
        "{\"task_results\":{\""
            + U1
            + "\":{\"exitCode\":0,\"finishedTimestamp\":"
            + "\"2024-08-04T21:34:36.000000+00:00\",\"stdout\":\"out \u00e9\\n\",\"stderror\":\"err\\\\\","
            + "\"stderr\":\"err\\\\\"},\""
            + U2
            + "\":{\"exitCode\":1,\"finishedTimestamp\":\"2024-08-04T21:34:36.661575+00:00\"}}}",
        new String(
            PayloadCodec.encodeResults(twoTasks(Encoding.JSON), results(), true),
            StandardCharsets.UTF_8));
    String pickle =
        new String(
            PayloadCodec.encodeResults(twoTasks(Encoding.PICKLE), results(), true),
            StandardCharsets.ISO_8859_1);
    assertTrue(pickle.contains("Vstderror\nVerr\\u005c\nsVstderr\nVerr\\u005c\ns"), pickle);
  }

  @Test
  void testEncodeResults_missingTaskResult() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PayloadCodec.encodeResults(
                    twoTasks(Encoding.JSON), Map.of(U1, results().get(U1)), false));
    assertEquals("no result for task " + U2, e.getMessage());
  }

  @Test
  void testEncodeResults_pickleIsProtocol0WithDatetime() {
    String pickle =
        new String(
            PayloadCodec.encodeResults(twoTasks(Encoding.PICKLE), results(), false),
            StandardCharsets.ISO_8859_1);
    assertTrue(pickle.startsWith("(dVtask_results\n(dV" + U1 + "\n(dVexitCode\nI0\ns"), pickle);
    assertTrue(
        pickle.contains(
            "cdatetime\ndatetime\n(I2024\nI8\nI4\nI21\nI34\nI36\nI661575\n"
                + "cdatetime\ntimezone\n(cdatetime\ntimedelta\n(I0\nI0\nI0\ntRtRtR"),
        pickle);
    assertTrue(pickle.endsWith("ss."), pickle);
    assertFalse(pickle.chars().anyMatch(c -> c > 0x7e), "protocol 0 output stays ASCII");
  }

  @Test
  void testEncodeResults_pickleLoadsInPython() throws Exception {
    assumeTrue(python3() != null, "python3 is not installed");
    byte[] pickle = PayloadCodec.encodeResults(twoTasks(Encoding.PICKLE), results(), false);
    String script =
        "import pickle, sys, json\n"
            + "r = pickle.loads(sys.stdin.buffer.read())['task_results']\n"
            + "for v in r.values():\n"
            + "    t = v['finishedTimestamp']\n"
            + "    assert t.tzinfo is not None and t.utcoffset().total_seconds() == 0\n"
            + "    v['finishedTimestamp'] = type(t).__name__ + ' ' + t.isoformat()\n"
            + "print(json.dumps(r, sort_keys=True))\n";
    assertEquals(
        "{\""
            + U2
            + "\": {\"exitCode\": 1, \"finishedTimestamp\": \"datetime 2024-08-04T21:34:36.661575+00:00\"}, "
            + "\""
            + U1
            + "\": {\"exitCode\": 0, \"finishedTimestamp\": \"datetime 2024-08-04T21:34:36+00:00\", "
            + "\"stderror\": \"err\\\\\", \"stdout\": \"out \\u00e9\\n\"}}",
        runPython(script, pickle));
  }

  @Test
  void testEncodeResults_jsonTimestampsParseWithFromisoformat() throws Exception {
    assumeTrue(python3() != null, "python3 is not installed");
    byte[] json = PayloadCodec.encodeResults(twoTasks(Encoding.JSON), results(), false);
    String script =
        "import json, sys, datetime\n"
            + "r = json.loads(sys.stdin.buffer.read())['task_results']\n"
            + "print(sorted(str(datetime.datetime.fromisoformat(v['finishedTimestamp'])) for v in r.values()))\n";
    assertEquals(
        "['2024-08-04 21:34:36+00:00', '2024-08-04 21:34:36.661575+00:00']",
        runPython(script, json));
  }

  @Test
  void testEncodeResults_pickleRoundTripsThroughOurDecoder() throws Exception {
    Map<String, TaskResult> sent = results();
    byte[] pickle = PayloadCodec.encodeResults(twoTasks(Encoding.PICKLE), sent, false);
    PickleScanner.check(pickle); // our own replies use only allowed opcodes and globals

    Map<String, Object> first = resultDict(sent.get(U1));
    first.put("stdout", sent.get(U1).stdout());
    first.put("stderror", sent.get(U1).stderror());
    // The second task does not want output, so only its exit code and time go back.
    Map<?, ?> decoded = (Map<?, ?>) new SafeUnpickler().loads(pickle);
    assertEquals(Map.of("task_results", Map.of(U1, first, U2, resultDict(sent.get(U2)))), decoded);
    assertEquals(List.of(U1, U2), List.copyOf(((Map<?, ?>) decoded.get("task_results")).keySet()));
  }

  private static Map<String, Object> resultDict(TaskResult result) {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("exitCode", result.exitCode());
    dict.put("finishedTimestamp", PythonDateTime.utc(result.finishedTimestamp()));
    return dict;
  }

  private static String python3() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "python3"))) {
        return Path.of(dir, "python3").toString();
      }
    }
    return null;
  }

  private static String runPython(String script, byte[] stdin) throws Exception {
    Process process = new ProcessBuilder(python3(), "-c", script).redirectErrorStream(true).start();
    process.getOutputStream().write(stdin);
    process.getOutputStream().close();
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  @Test
  void testDecode_jsonStrictAsMcpServerWritesIt() {
    String task =
        "{\"tasks\":{\""
            + U1
            + "\":{\"uuid\":\""
            + U1
            + "\",\"createdDate\":"
            + "\"2024-08-04T21:34:35.241750+00:00\",\"arguments\":%s,\"wants_output\":%s}}}";
    PayloadException trailing =
        assertThrows(
            PayloadException.class,
            () ->
                PayloadCodec.decode(
                    (String.format(task, "\"a\"", "true") + " garbage")
                        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(
        trailing.getMessage().startsWith("malformed JSON job payload: "), trailing.getMessage());
    PayloadException number =
        assertThrows(
            PayloadException.class,
            () ->
                PayloadCodec.decode(
                    String.format(task, "123", "true").getBytes(StandardCharsets.UTF_8)));
    assertTrue(number.getMessage().startsWith("malformed JSON job payload: "), number.getMessage());
    assertThrows(
        PayloadException.class,
        () ->
            PayloadCodec.decode(
                String.format(task, "\"a\"", "\"yes\"").getBytes(StandardCharsets.UTF_8)));
    // What MCPServer sends still decodes.
    assertEquals(
        "a",
        PayloadCodec.decode(String.format(task, "\"a\"", "false").getBytes(StandardCharsets.UTF_8))
            .tasks()
            .get(0)
            .arguments());
  }
}
