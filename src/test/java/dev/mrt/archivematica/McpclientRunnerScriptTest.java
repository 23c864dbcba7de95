package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * through {@link BatchFiles}, as mrt reads it.
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
    write("django/__init__.py", """
        import os
        def setup():
            if os.environ.get("FAKE_DJANGO_FAILS"):
                raise RuntimeError("no database")
        def get_version():
            return "0.fake"
        """);
    write("django/conf.py", "class settings:\n    CLIENT_MODULES_FILE = None\n");
    write("client/__init__.py", "");
    write("client/loader.py", """
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
    write("client/job.py", """
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
    write("client/worker.py", """
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
    write("clientScripts/echo.py", """
        import sys
        def call(jobs):
            print("straight to the process's stdout")
            for job in jobs:
                job.pyprint(*job.args)
                job.pyprint("err", job.uuid, file=sys.stderr)
                if "--exit" in job.args:
                    job.set_status(job.args[job.args.index("--exit") + 1])
        """);
    write("clientScripts/boom.py", "def call(jobs):\n    raise RuntimeError('refused the whole batch')\n");
    write("clientScripts/broken.py", "import no_such_dependency\n");
    write("modules", "[supportedBatchCommands]\necho_v0.0 = echo\nbroken_v0.0 = broken\n");
  }

  private void write(String name, String text) throws IOException {
    Path p = lib.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private record Ran(int status, String stderr) {}

  private Ran python(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", RUNNER.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("PYTHONPATH", lib.toString());
    pb.environment().put("DJANGO_SETTINGS_MODULE", "settings.fake");
    pb.environment().put("MRT_BATCH_TASKS", dir.resolve(BatchFiles.TASKS).toString());
    pb.environment().put("MRT_BATCH_RESULTS", dir.resolve(BatchFiles.RESULTS).toString());
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    pb.redirectOutput(dir.resolve("stdout").toFile());
    Process p = pb.start();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    // Whatever a script prints goes to stderr: fd 1 is the runner's, and stays empty.
    assertEquals("", Files.readString(dir.resolve("stdout")));
    return new Ran(p.exitValue(), stderr);
  }

  private BatchFiles.Answer batch(String function, String module, Map<String, String> env)
      throws Exception {
    Task t1 = new Task(U1, PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00"), "a", true);
    Task t2 = new Task(U2, PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00"), "b", false);
    BatchFiles.writeTasks(dir, function, module, List.of(
        new BatchFiles.Entry(t1, "a --exit 3", List.of("a b", "--exit", "3"), List.of()),
        new BatchFiles.Entry(t2, "x", List.of("x"), List.of())));
    Ran r = python(env);
    assertEquals(0, r.status(), r.stderr());
    return BatchFiles.readResults(dir);
  }

  @Test
  void testBatch_everyTaskThroughTheHarness() throws Exception {
    BatchFiles.Answer a = batch("echo_v0.0", "echo", Map.of());
    assertEquals(Optional.empty(), a.setupFailed());
    assertEquals(Optional.empty(), a.batchFailed());
    Instant end = Instant.parse("2024-08-04T21:34:36.661575Z");
    assertEquals(Map.of(
        U1, new BatchFiles.Reported(3, "echo_v0.0 a b --exit 3\n", "err " + U1 + "\n", Optional.of(end)),
        U2, new BatchFiles.Reported(0, "echo_v0.0 x\n", "err " + U2 + "\n", Optional.of(end))),
        a.results());
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
    assertTrue(a.setupFailed().orElseThrow().startsWith("module clientScripts.broken does not import:"
        + " Failed to load client script broken: No module named 'no_such_dependency'"), a.toString());
    assertEquals(Map.of(), a.results());
  }

  @Test
  void testBatch_noDjangoSettings() throws Exception {
    BatchFiles.Answer a = batch("echo_v0.0", "echo", java.util.Collections.singletonMap(
        "DJANGO_SETTINGS_MODULE", null));
    assertTrue(a.setupFailed().orElseThrow().startsWith("DJANGO_SETTINGS_MODULE is not set"), a.toString());
  }

  @Test
  void testBatch_djangoFailingToStart() throws Exception {
    BatchFiles.Answer a = batch("echo_v0.0", "echo", Map.of("FAKE_DJANGO_FAILS", "1"));
    assertEquals(Optional.of("Django did not start with DJANGO_SETTINGS_MODULE=settings.fake:"
        + " RuntimeError: no database"), a.setupFailed());
  }

  @Test
  void testBatch_imageWithoutTheHarness() throws Exception {
    Files.delete(lib.resolve("client/worker.py"));
    BatchFiles.Answer a = batch("echo_v0.0", "echo", Map.of());
    assertTrue(a.setupFailed().orElseThrow().startsWith("the image has no MCPClient harness"),
        a.toString());
  }

  @Test
  void testCheck_saysWhatIsMissing() throws Exception {
    Ran ok = python(Map.of("ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES",
        lib.resolve("modules").toString()), "--check");
    assertEquals(1, ok.status(), ok.stderr());
    assertTrue(ok.stderr().contains("2 functions, 2 modules, 1 do not import"), ok.stderr());
    assertTrue(ok.stderr().contains("missing: module clientScripts.broken does not import"), ok.stderr());
    Files.writeString(lib.resolve("modules"), "[supportedBatchCommands]\necho_v0.0 = echo\n");
    Ran good = python(Map.of("ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES",
        lib.resolve("modules").toString()), "--check");
    assertEquals(0, good.status(), good.stderr());
    Ran none = python(Map.of(), "--check");
    assertEquals(1, none.status());
    assertTrue(none.stderr().contains("missing: no modules file"), none.stderr());
  }
}
