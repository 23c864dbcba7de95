package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded runner script, run by the host's python3 against a stand-in harness with MCPClient's
 * interface (no Django, no database: those are the integration tests'), and its answer read back
 * through {@link BatchFiles}, as mrt reads it. Warm mode ({@code --warm MODULE}) is driven as mrt
 * drives it: readiness read from fd 1, then the hand-off written to fd 0.
 */
class McpclientRunnerScriptTest {
  private static final Path RUNNER = Path.of("src/main/resources/assets/mcpclient-runner.py");
  private static final String U1 = "8022802f-6097-43d8-b217-2ed7f2b38f09";
  private static final String U2 = "3e0a1962-bd4b-4b04-8d2a-ba273e65fe7f";

  @TempDir Path dir;
  private Path lib;

  @BeforeEach
  void harness() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
    lib = dir.resolve("lib");
    write(
        "django/__init__.py",
        """
        import os
        def setup():
            if os.environ.get("FAKE_DJANGO_FAILS"):
                raise RuntimeError("no database")
        def get_version():
            return "0.fake"
        """);
    write("django/conf.py", "class settings:\n    CLIENT_MODULES_FILE = None\n");
    write(
        "django/db.py",
        """
        import os
        class _Connection:
            connection, connects, closes = None, 0, 0
            def ensure_connection(self):
                if os.environ.get("FAKE_DB_DOWN"):
                    raise RuntimeError("Can't connect to MySQL server")
                if self.connection is None:
                    self.connection, self.connects = object(), self.connects + 1
            def is_usable(self):
                return not os.environ.get("FAKE_DB_DROPPED")
            def close(self):
                self.connection, self.closes = None, self.closes + 1
        connection = _Connection()
        class _Connections:
            def all(self):
                return [connection]
            def close_all(self):
                connection.close()
        connections = _Connections()
        """);
    write("client/__init__.py", "");
    write(
        "client/loader.py",
        """
        import importlib, warnings
        def load_module(name):
            try:
                return importlib.import_module("clientScripts." + name)
            except ImportError as err:
                warnings.warn("Failed to load client script %s: %s" % (name, err), RuntimeWarning)
                return None
        def get_supported_modules(path):
            import configparser
            c = configparser.RawConfigParser()
            c.read(path)
            return dict(c.items("supportedBatchCommands"))
        """);
    write(
        "client/job.py",
        """
        import sys
        class Job:
            def __init__(self, name, uuid, arguments, capture_output=False):
                self.name, self.uuid, self.args = name, uuid, [name] + arguments
                self.capture_output = capture_output
                self.int_code, self.output, self.error = 0, "", ""
                self.start_time = self.end_time = None
            def set_status(self, code, status_code="success"):
                if code:
                    self.int_code = int(code)
            def pyprint(self, *objects, **kwargs):
                out = kwargs.get("file", sys.stdout)
                msg = " ".join(str(o) for o in objects) + "\\n"
                if out is sys.stdout:
                    self.output += msg
                elif out is sys.stderr:
                    self.error += msg
                else:
                    raise Exception("Unrecognised print file")
            def get_exit_code(self):
                return self.int_code
            def get_stdout(self):
                return self.output
            def get_stderr(self):
                return self.error
        """);
    write(
        "client/worker.py",
        """
        import datetime
        def run_task(name, module, jobs):
            try:
                module.call(jobs)
            except Exception as err:
                for j in jobs:
                    j.set_status(1)
                raise
            for j in jobs:
                j.end_time = datetime.datetime(2024, 8, 4, 21, 34, 36, 661575, datetime.timezone.utc)
        """);
    write("clientScripts/__init__.py", "");
    write(
        "clientScripts/echo.py",
        """
        import sys
        def call(jobs):
            print("straight to the process's stdout")
            for job in jobs:
                job.pyprint(*job.args)
                job.pyprint("err", job.uuid, file=sys.stderr)
                if "--exit" in job.args:
                    job.set_status(job.args[job.args.index("--exit") + 1])
        """);
    // Prints while imported, then shows what a batch sees of its process.
    write(
        "clientScripts/where.py",
        """
        import os, django.db
        print("imported where")
        def call(jobs):
            for job in jobs:
                c = django.db.connection
                job.pyprint(os.getcwd(), os.environ.get("WARM_ONLY"), os.environ.get("HANDOFF_ONLY"),
                            c.connects, c.closes)
        """);
    write(
        "clientScripts/boom.py",
        "def call(jobs):\n    raise RuntimeError('refused the whole batch')\n");
    write("clientScripts/broken.py", "import no_such_dependency\n");
    write("modules", "[supportedBatchCommands]\necho_v0.0 = echo\nbroken_v0.0 = broken\n");
  }

  private void write(String name, String text) throws IOException {
    Path p = lib.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private record Ran(int status, String stderr) {}

  /** A batch's environment, changed by {@code env} (a null value removes the variable). */
  private Map<String, String> environment(Map<String, String> env) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("PATH", "/usr/bin:/bin");
    e.put("PYTHONPATH", lib.toString());
    e.put("DJANGO_SETTINGS_MODULE", "settings.fake");
    e.put("MRT_BATCH_TASKS", dir.resolve(BatchFiles.TASKS).toString());
    e.put("MRT_BATCH_RESULTS", dir.resolve(BatchFiles.RESULTS).toString());
    env.forEach(
        (k, v) -> {
          if (v == null) {
            e.remove(k);
          } else {
            e.put(k, v);
          }
        });
    return e;
  }

  private static ProcessBuilder process(Map<String, String> env, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("/usr/bin/python3", RUNNER.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  private Ran python(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = process(environment(env), args);
    pb.redirectOutput(dir.resolve("stdout").toFile());
    Process p = pb.start();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    // Whatever a script prints goes to stderr: fd 1 is the runner's, and stays empty.
    assertEquals("", Files.readString(dir.resolve("stdout")));
    return new Ran(p.exitValue(), stderr);
  }

  private void writeTasks(String function, String module) throws IOException {
    Task t1 = new Task(U1, PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00"), "a", true);
    Task t2 = new Task(U2, PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00"), "b", false);
    BatchFiles.writeTasks(
        dir,
        function,
        module,
        List.of(
            new BatchFiles.Entry(t1, "a --exit 3", List.of("a b", "--exit", "3"), List.of()),
            new BatchFiles.Entry(t2, "x", List.of("x"), List.of())));
  }

  private BatchFiles.Answer batch(String function, String module, Map<String, String> env)
      throws Exception {
    writeTasks(function, module);
    Ran r = python(env);
    assertEquals(0, r.status(), r.stderr());
    return BatchFiles.readResults(dir);
  }

  private static void assertEchoResults(BatchFiles.Answer a) {
    assertEquals(Optional.empty(), a.setupFailed());
    assertEquals(Optional.empty(), a.batchFailed());
    Instant end = Instant.parse("2024-08-04T21:34:36.661575Z");
    assertEquals(
        Map.of(
            U1,
                new BatchFiles.Reported(
                    3, "echo_v0.0 a b --exit 3\n", "err " + U1 + "\n", Optional.of(end)),
            U2, new BatchFiles.Reported(0, "echo_v0.0 x\n", "err " + U2 + "\n", Optional.of(end))),
        a.results());
  }

  @Test
  void testBatch_everyTaskThroughTheHarness() throws Exception {
    assertEchoResults(batch("echo_v0.0", "echo", Map.of()));
  }

  @Test
  void testBatch_callRaisingFailsTheWholeBatch() throws Exception {
    BatchFiles.Answer a = batch("boom_v0.0", "boom", Map.of());
    assertEquals(Optional.of("refused the whole batch"), a.batchFailed());
    assertEquals(1, a.results().get(U1).exitCode());
    assertEquals(Optional.empty(), a.results().get(U1).endTime());
  }

  @Test
  void testBatch_moduleThatDoesNotImport() throws Exception {
    BatchFiles.Answer a = batch("broken_v0.0", "broken", Map.of());
    assertTrue(
        a.setupFailed()
            .orElseThrow()
            .startsWith(
                "module clientScripts.broken does not import:"
                    + " Failed to load client script broken: No module named 'no_such_dependency'"),
        a.toString());
    assertEquals(Map.of(), a.results());
  }

  @Test
  void testBatch_noDjangoSettings() throws Exception {
    BatchFiles.Answer a =
        batch("echo_v0.0", "echo", Collections.singletonMap("DJANGO_SETTINGS_MODULE", null));
    assertTrue(
        a.setupFailed().orElseThrow().startsWith("DJANGO_SETTINGS_MODULE is not set"),
        a.toString());
  }

  @Test
  void testBatch_djangoFailingToStart() throws Exception {
    BatchFiles.Answer a = batch("echo_v0.0", "echo", Map.of("FAKE_DJANGO_FAILS", "1"));
    assertEquals(
        Optional.of(
            "Django did not start with DJANGO_SETTINGS_MODULE=settings.fake:"
                + " RuntimeError: no database"),
        a.setupFailed());
  }

  @Test
  void testBatch_imageWithoutTheHarness() throws Exception {
    Files.delete(lib.resolve("client/worker.py"));
    BatchFiles.Answer a = batch("echo_v0.0", "echo", Map.of());
    assertTrue(
        a.setupFailed().orElseThrow().startsWith("the image has no MCPClient harness"),
        a.toString());
  }

  @Test
  void testCheck_saysWhatIsMissing() throws Exception {
    Ran ok =
        python(
            Map.of(
                "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES",
                lib.resolve("modules").toString()),
            "--check");
    assertEquals(1, ok.status(), ok.stderr());
    assertTrue(ok.stderr().contains("2 functions, 2 modules, 1 do not import"), ok.stderr());
    assertTrue(
        ok.stderr().contains("missing: module clientScripts.broken does not import"), ok.stderr());
    Files.writeString(lib.resolve("modules"), "[supportedBatchCommands]\necho_v0.0 = echo\n");
    Ran good =
        python(
            Map.of(
                "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES",
                lib.resolve("modules").toString()),
            "--check");
    assertEquals(0, good.status(), good.stderr());
    Ran none = python(Map.of(), "--check");
    assertEquals(1, none.status());
    assertTrue(none.stderr().contains("missing: no modules file"), none.stderr());
  }

  // --- warm mode: mrt's hand-off, and the batch after it

  /** mrt's hand-off: payload length, newline, then NUL-terminated cwd, argc, args, env. */
  private static byte[] handoff(String cwd, List<String> args, Map<String, String> env) {
    StringBuilder payload = new StringBuilder(cwd).append('\0').append(args.size()).append('\0');
    args.forEach(a -> payload.append(a).append('\0'));
    env.forEach((k, v) -> payload.append(k).append('=').append(v).append('\0'));
    byte[] bytes = payload.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  /** read_handoff(0) on {@code stdin}, then everything left on fd 0, as Python's repr. */
  private String readHandoff(byte[] stdin) throws Exception {
    String code =
        """
        import importlib.util, os, sys
        spec = importlib.util.spec_from_file_location("runner", sys.argv[1])
        runner = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(runner)
        try:
            got = runner.read_handoff(0)
        except runner.HandoffError as err:
            got = "HandoffError: %s" % err
        rest = b""
        while True:
            chunk = os.read(0, 4096)
            if not chunk:
                break
            rest += chunk
        print(repr(got), repr(rest))
        """;
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/python3", "-c", code, RUNNER.toAbsolutePath().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("LC_ALL", "C.UTF-8"); // UTF-8 for os.fsdecode and for repr's output
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static byte[] concat(byte[] a, String b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void testReadHandoff_readsExactlyTheHandoff() throws Exception {
    byte[] h = handoff("/", List.of("python3", "x.py"), Map.of("A", "1"));
    assertEquals(
        "21\n/\u00002\u0000python3\u0000x.py\u0000A=1\u0000",
        new String(h, StandardCharsets.UTF_8));
    assertEquals(
        "('/', ['python3', 'x.py'], {'A': '1'}) b'21\\nnext bytes'",
        readHandoff(concat(h, "21\nnext bytes")));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("B", "x=y");
    env.put("EMPTY", "");
    env.put("LANG", "C.UTF-8");
    env.put("NAME", "caf\u00e9");
    assertEquals(
        "('/work dir', [], {'B': 'x=y', 'EMPTY': '', 'LANG': 'C.UTF-8', 'NAME': 'caf\u00e9'}) b''",
        readHandoff(handoff("/work dir", List.of(), env)));
  }

  @Test
  void testReadHandoff_eofBeforeAWholeHandoff() throws Exception {
    byte[] whole = handoff("/", List.of("python3", "x.py"), Map.of("A", "1"));
    for (int cut : new int[] {0, 1, 3, 10, whole.length - 1}) {
      assertEquals("None b''", readHandoff(Arrays.copyOf(whole, cut)), "cut at " + cut);
    }
  }

  @Test
  void testReadHandoff_notAHandoff() throws Exception {
    assertEquals(
        "\"HandoffError: bad hand-off length b'x'\" b'\\n'",
        readHandoff("x\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(
        "'HandoffError: hand-off has 1 arguments, says 2' b''",
        readHandoff("6\n/\u00002\u0000a\u0000".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(
        "\"HandoffError: bad hand-off environment entry b'NOEQUALS'\" b''",
        readHandoff("13\n/\u00000\u0000NOEQUALS\u0000".getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * {@code --warm module} started with {@code warmEnv} and without a batch; once it says ready, the
   * batch's tasks are written (unless {@code function} is null) and {@code stdin} sent. Checks that
   * fd 1 carried the readiness and nothing else.
   */
  private Ran warm(
      String module, Map<String, String> warmEnv, String function, String batchModule, byte[] stdin)
      throws Exception {
    ProcessBuilder pb = process(warmEnv, "--warm", module);
    pb.redirectError(dir.resolve("stderr").toFile());
    Process p = pb.start();
    InputStream out = p.getInputStream();
    byte[] ready = out.readNBytes(10);
    assertEquals(
        "mrt-ready\n", new String(ready, StandardCharsets.US_ASCII), () -> "stderr: " + stderr());
    if (function != null) {
      writeTasks(function, batchModule);
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    }
    assertEquals("", new String(out.readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Ran(p.exitValue(), stderr());
  }

  private String stderr() {
    try {
      return Files.readString(dir.resolve("stderr"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The warm runner's environment: the function's, without the batch's files. */
  private Map<String, String> warmEnvironment(Map<String, String> env) {
    Map<String, String> e = environment(env);
    e.remove("MRT_BATCH_TASKS");
    e.remove("MRT_BATCH_RESULTS");
    return e;
  }

  private BatchFiles.Answer warmBatch(
      String module,
      Map<String, String> warmEnv,
      String function,
      String batchModule,
      String cwd,
      Map<String, String> handoffEnv)
      throws Exception {
    Ran r =
        warm(
            module,
            warmEnvironment(warmEnv),
            function,
            batchModule,
            handoff(cwd, List.of("python3", RUNNER.toString()), environment(handoffEnv)));
    assertEquals(0, r.status(), r.stderr());
    return BatchFiles.readResults(dir);
  }

  @Test
  void testWarm_batchThroughTheHarness() throws Exception {
    assertEchoResults(warmBatch("echo", Map.of(), "echo_v0.0", "echo", "/", Map.of()));
  }

  @Test
  void testWarm_batchRunsInTheHandedOffDirectoryAndEnvironment() throws Exception {
    // where prints while imported, before readiness: that must not reach fd 1 either.
    Path cwd = Files.createDirectory(dir.resolve("cwd")).toRealPath();
    BatchFiles.Answer a =
        warmBatch(
            "where",
            Map.of("WARM_ONLY", "1"),
            "where_v0.0",
            "where",
            cwd.toString(),
            Map.of("HANDOFF_ONLY", "2"));
    assertEquals(Optional.empty(), a.setupFailed(), a.toString());
    // Connected once while it waited, and that connection, still usable, kept for the batch.
    assertEquals(cwd + " None 2 1 0\n", a.results().get(U1).stdout());
    assertTrue(stderr().contains("imported where"), stderr());
  }

  @Test
  void testWarm_databaseDownWhileWaitingIsNotASetupFailure() throws Exception {
    // The connect after readiness failed; the batch still runs (its own queries would connect).
    BatchFiles.Answer a =
        warmBatch("where", Map.of("FAKE_DB_DOWN", "1"), "where_v0.0", "where", "/", Map.of());
    assertEquals(Optional.empty(), a.setupFailed(), a.toString());
    assertEquals("/ None None 0 0\n", a.results().get(U1).stdout());
  }

  @Test
  void testWarm_connectionDroppedWhileWaitingIsClosedBeforeTheBatch() throws Exception {
    BatchFiles.Answer a =
        warmBatch("where", Map.of(), "where_v0.0", "where", "/", Map.of("FAKE_DB_DROPPED", "1"));
    assertEquals(Optional.empty(), a.setupFailed(), a.toString());
    // The ping failed at the hand-off: closed, so the batch's first query connects again.
    assertEquals("/ None None 1 1\n", a.results().get(U1).stdout());
  }

  @Test
  void testWarm_batchOfAnotherModuleImportsThatOne() throws Exception {
    // The warmed module's failure is about broken, not about the batch's echo.
    assertEchoResults(warmBatch("broken", Map.of(), "echo_v0.0", "echo", "/", Map.of()));
  }

  @Test
  void testWarm_setupFailureAnsweredAfterTheHandoff() throws Exception {
    // Django failed while warming; the hand-off's environment would let it start, but the
    // set-up was done then, so the answer is the cold runner's for that failure.
    BatchFiles.Answer a =
        warmBatch("echo", Map.of("FAKE_DJANGO_FAILS", "1"), "echo_v0.0", "echo", "/", Map.of());
    assertEquals(
        Optional.of(
            "Django did not start with DJANGO_SETTINGS_MODULE=settings.fake:"
                + " RuntimeError: no database"),
        a.setupFailed());
    assertEquals(Map.of(), a.results());
    BatchFiles.Answer broken =
        warmBatch("broken", Map.of(), "broken_v0.0", "broken", "/", Map.of());
    assertEquals(batch("broken_v0.0", "broken", Map.of()), broken);
  }

  @Test
  void testWarm_eofBeforeTheHandoffEndsQuietly() throws Exception {
    byte[] whole = handoff("/", List.of("python3"), environment(Map.of()));
    for (byte[] stdin : new byte[][] {new byte[0], Arrays.copyOf(whole, whole.length / 2)}) {
      Ran r = warm("echo", warmEnvironment(Map.of()), "echo_v0.0", "echo", stdin);
      assertEquals(0, r.status(), r.stderr());
      assertTrue(Files.notExists(dir.resolve(BatchFiles.RESULTS)), "no answer without a batch");
    }
  }
}
