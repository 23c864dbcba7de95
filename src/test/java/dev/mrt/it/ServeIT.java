package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.gearman.Gearmand;
import dev.mrt.it.McpServerClient.Reply;
import dev.mrt.it.McpServerClient.TaskReply;
import dev.mrt.it.McpServerClient.TaskSpec;
import dev.mrt.it.McpServerClient.Wire;
import dev.mrt.it.MrtCli.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code mrt serve} end to end: real gearmand processes, the packaged jar as its own process
 * (rootful as root, rootless as the test user), real containers, and a client that speaks to it
 * exactly as MCPServer does.
 */
class ServeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");

  /** The functions every test server serves, as MCPClient's INI lists them. */
  private static final String MODULES =
      String.join(
          "\n",
          "[supportedBatchCommands]",
          "echo_v0.0 = echo",
          "sh_v0.0 = sh",
          "slow_v0.0 = sleep",
          "missing_v0.0 = no-such-tool",
          "batch_v0.0 = sh",
          "noresults_v0.0 = sh",
          "forky_v0.0 = sh",
          "");

  /** Per-function settings of the test servers (through --config). */
  private static final String FUNCTIONS =
      String.join(
          "\n",
          "mrt.functions.\"slow_v0.0\".timeout=1s",
          "mrt.functions.\"batch_v0.0\".mode=batch",
          "mrt.functions.\"batch_v0.0\".command=python3 /opt/mrt-config/batch-runner.py",
          "mrt.functions.\"noresults_v0.0\".mode=batch",
          "mrt.functions.\"noresults_v0.0\".command=true",
          "mrt.functions.\"forky_v0.0\".pids-limit=8",
          "");

  /** One mrt serve with its own home, shared directory, client assets and config. */
  private record Server(MrtCli cli, ServeProcess process, Path shared, Path assets)
      implements AutoCloseable {

    static Server start(Mode mode, String name, List<Gearmand> gearmands, String moreConfig) {
      MrtCli shared = MrtCli.shared(mode);
      MrtCli cli =
          MrtCli.fresh("serve", mode, name).withEnv("MRT_CACHE_DIR", shared.cacheDir().toString());
      shared.mkdirOwned(shared.cacheDir());
      Path home = cli.home();
      Path sharedDir = cli.mkdirOwned(home.resolve("sharedDirectory"));
      Path assets = cli.mkdirOwned(home.resolve("assets"));
      Path modules = MrtCli.readableFile(home.resolve("archivematicaClientModules"), MODULES);
      // The repository's example runner, copied where the unprivileged user can read it.
      Path config = cli.mkdirOwned(home.resolve("config"));
      try {
        MrtCli.readableFile(
            config.resolve("batch-runner.py"),
            Files.readAllBytes(Path.of("config", "batch-runner.py")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path properties =
          MrtCli.readableFile(
              home.resolve("serve.properties"),
              FUNCTIONS
                  + "mrt.archivematica.mounts="
                  + config
                  + ":/opt/mrt-config:ro\n"
                  + moreConfig);
      Map<String, String> env = new LinkedHashMap<>();
      env.put(
          "MRT_GEARMAN_SERVERS",
          gearmands.stream().map(Gearmand::hostPort).collect(Collectors.joining(",")));
      env.put("MRT_ARCHIVEMATICA_MODULES_FILE", modules.toString());
      env.put("MRT_ARCHIVEMATICA_SHARED_DIRECTORY", sharedDir.toString());
      env.put("MRT_ARCHIVEMATICA_CLIENT_ASSETS_DIRECTORY", assets.toString());
      env.put("MRT_POOL_SIZE", "2");
      ServeProcess process = cli.startServe(name, env, "--config", properties.toString());
      for (Gearmand g : gearmands) {
        process.awaitLog("connected to gearmand " + g.hostPort() + " ", WAIT);
      }
      return new Server(cli, process, sharedDir, assets);
    }

    void assertClean() {
      assertEquals(List.of(), cli.leftoverBundles(), "bundle directories left behind");
      assertEquals(List.of(), cli.leftoverContainers(), "containers left behind");
    }

    @Override
    public void close() {
      process.close();
    }
  }

  /** Two gearmands and one server on both, per mode, for the tests that do not stop it. */
  private record Shared(Gearmand a, Gearmand b, Server server) {}

  private static final Map<Mode, Shared> SHARED = new EnumMap<>(Mode.class);

  private static synchronized Shared shared(Mode mode) {
    MrtCli.assume(mode);
    return SHARED.computeIfAbsent(
        mode,
        m -> {
          Path logs = gearmandLogs(m, "shared");
          Gearmand a = Gearmand.start(logs, "a");
          Gearmand b = Gearmand.start(logs, "b");
          return new Shared(a, b, Server.start(m, "shared", List.of(a, b), ""));
        });
  }

  private static Path gearmandLogs(Mode mode, String name) {
    return MrtCli.runDir("gearmand", mode, name);
  }

  @AfterAll
  static void stopShared() {
    for (Shared s : SHARED.values()) {
      s.server().close();
      s.a().close();
      s.b().close();
    }
    SHARED.clear();
  }

  private static McpServerClient client(Gearmand g) {
    return new McpServerClient(g.address(), CLIENT_TIMEOUT);
  }

  /** Runs one batch on the shared server of this mode (through gearmand a). */
  private static Reply run(Mode mode, String function, Wire wire, List<TaskSpec> tasks)
      throws IOException {
    try (McpServerClient c = client(shared(mode).a())) {
      Reply r = c.run(function, wire, tasks);
      assertFalse(
          r.failed(), "WORK_FAIL for " + function + "\n" + shared(mode).server().process().log());
      assertEquals(
          tasks.stream().map(TaskSpec::uuid).collect(Collectors.toSet()),
          r.results().keySet(),
          "every task of the batch answered");
      for (TaskReply t : r.results().values()) {
        assertTrue(TIMESTAMP.matcher(t.finishedTimestamp()).matches(), t.finishedTimestamp());
        assertTrue(t.exitCode().isInt(), "exitCode is an int: " + t.exitCode());
      }
      return r;
    }
  }

  private static Reply run(Mode mode, String function, List<TaskSpec> tasks) throws IOException {
    return run(mode, function, Wire.JSON, tasks);
  }

  private static TaskReply runOne(Mode mode, String function, String arguments) throws IOException {
    return run(mode, function, List.of(McpServerClient.task(arguments))).only();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testTokens_replacedAndSplitLikeShlex(Mode mode) throws IOException {
    Server server = shared(mode).server();
    TaskSpec task =
        McpServerClient.task(
            "-c 'printf \"<%s>\\n\" \"$@\"' argv0 %sharedPath% "
                + "%taskUUID% %date% \"%jobCreatedDate%\" %clientAssetsDirectory% 'a b' \"c\\\"d\" e\\ f "
                + "\"x\\`y\" \"\"");
    OffsetDateTime before = OffsetDateTime.now().minusSeconds(1);
    TaskReply r = run(mode, "sh_v0.0", List.of(task)).only();
    assertEquals(0, r.exit(), r.stderror());
    String[] lines = r.stdout().split("\n");
    assertEquals(10, lines.length, r.stdout());
    assertEquals("<" + server.shared() + "/>", lines[0]);
    assertEquals("<" + task.uuid() + ">", lines[1]);
    String date = lines[2].substring(1, lines[2].length() - 1);
    assertTrue(TIMESTAMP.matcher(date).matches(), date);
    OffsetDateTime now = OffsetDateTime.parse(date);
    assertTrue(!now.isBefore(before) && !now.isAfter(OffsetDateTime.now()), date);
    assertEquals("<2024-08-04 21:34:35.241750+00:00>", lines[3]);
    assertEquals("<" + server.assets() + ">", lines[4]);
    assertEquals(
        List.of("<a b>", "<c\"d>", "<e f>", "<x`y>", "<>"), Arrays.asList(lines).subList(5, 10));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testOutput_capturedWithExitCodeUnlessUnwanted(Mode mode) throws IOException {
    TaskSpec wanted = McpServerClient.task("-c \"echo out; echo err >&2; exit 3\"");
    TaskSpec unwanted =
        new TaskSpec(
            UUID.randomUUID().toString(),
            McpServerClient.CREATED,
            "-c \"echo out; exit 4\"",
            false);
    Reply r = run(mode, "sh_v0.0", List.of(wanted, unwanted));
    TaskReply w = r.results().get(wanted.uuid());
    assertEquals(3, w.exit());
    assertEquals("out\n", w.stdout());
    assertEquals("err\n", w.stderror());
    // MCPServer reads "stderr" for a link's stderr_file; MCPClient only sent "stderror".
    assertEquals("err\n", w.stderr());
    TaskReply u = r.results().get(unwanted.uuid());
    assertEquals(4, u.exit());
    assertNull(u.stdout(), "no stdout key when output is not wanted");
    assertNull(u.stderror(), "no stderror key when output is not wanted");
    assertNull(u.stderr(), "no stderr key when output is not wanted");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatch_128TasksAllAnswered(Mode mode) throws IOException {
    List<TaskSpec> tasks = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      tasks.add(McpServerClient.task("-c \"echo " + i + "; exit " + (i % 7) + "\""));
    }
    Reply r = run(mode, "sh_v0.0", tasks);
    for (int i = 0; i < 128; i++) {
      TaskReply t = r.results().get(tasks.get(i).uuid());
      assertEquals(i % 7, t.exit(), "task " + i);
      assertEquals(i + "\n", t.stdout(), "task " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testSharedDirectory_writableWhileRootIsReadOnly(Mode mode) throws IOException {
    Path shared = shared(mode).server().shared();
    String name = "written-" + System.nanoTime();
    Reply r =
        run(
            mode,
            "sh_v0.0",
            McpServerClient.tasks(
                "-c \"echo from-task > %sharedPath%" + name + "\"", "-c \"touch /etc/mrt-x\""));
    List<TaskReply> results = new ArrayList<>(r.results().values());
    assertEquals(0, results.get(0).exit(), results.get(0).stderror());
    assertEquals("from-task\n", Files.readString(shared.resolve(name)));
    assertEquals(1, results.get(1).exit());
    assertTrue(
        results.get(1).stderror().contains("Read-only file system"), results.get(1).stderror());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testTimeout_killsTaskAndBatchCompletes(Mode mode) throws IOException {
    long start = System.nanoTime();
    Reply r = run(mode, "slow_v0.0", McpServerClient.tasks("60", "0"));
    List<TaskReply> results = new ArrayList<>(r.results().values());
    assertEquals(124, results.get(0).exit());
    assertEquals("\nmrt: task timed out after 1s and was killed\n", results.get(0).stderror());
    assertEquals(0, results.get(1).exit(), results.get(1).stderror());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testFunctionLimits_applyToItsTasksOnly(Mode mode) throws IOException {
    String forks = "-c 'for i in $(seq 20); do sleep 1 & done; echo forked'";
    TaskReply limited = run(mode, "forky_v0.0", McpServerClient.tasks(forks)).only();
    TaskReply free = run(mode, "sh_v0.0", McpServerClient.tasks(forks)).only();

    assertEquals(0, free.exit(), free.stderror());
    // Twenty sleeps do not fit under pids-limit 8: the shell fails to fork (rootless through
    // RLIMIT_NPROC, which needs no cgroups).
    assertEquals(2, limited.exit(), limited.stderror());
    assertTrue(limited.stderror().contains("Cannot fork"), limited.stderror());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testMissingCommand_exit127AndBatchCompletes(Mode mode) throws IOException {
    assertEveryTaskFailed(
        run(mode, "missing_v0.0", McpServerClient.tasks("-x", "-y")),
        127,
        "command 'no-such-tool' not found in image default");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testPickle_answeredInPickle(Mode mode) throws IOException {
    List<TaskSpec> tasks = McpServerClient.tasks("-c \"echo p\u00e9; exit 2\"", "-c true");
    Reply r = run(mode, "sh_v0.0", Wire.PICKLE, tasks);
    TaskReply first = r.results().get(tasks.get(0).uuid());
    assertEquals(2, first.exit());
    assertEquals("p\u00e9\n", first.stdout());
    assertEquals("", first.stderror());
    assertEquals(
        Map.of(
            "exitCode",
            "int",
            "finishedTimestamp",
            "datetime",
            "stdout",
            "str",
            "stderror",
            "str",
            "stderr",
            "str"),
        first.pythonTypes());
    TaskReply second = r.results().get(tasks.get(1).uuid());
    assertEquals(0, second.exit(), second.stderror());
    // A pickle reply, not JSON: protocol 0 starts with an opcode, never '{'.
    assertFalse(r.raw()[0] == '{', new String(r.raw(), StandardCharsets.ISO_8859_1));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testGarbagePayload_workFailAndKeepsServing(Mode mode) throws IOException {
    Path pwned = Path.of("/tmp/pwned-mrt");
    Files.deleteIfExists(pwned);
    byte[] random = new byte[512];
    new Random(42).nextBytes(random);
    Map<String, byte[]> payloads = new LinkedHashMap<>();
    payloads.put("random bytes", random);
    payloads.put("truncated JSON", "{\"tasks\":{\"a\":{\"uuid\":\"a\",\"createdD".getBytes());
    payloads.put("tasks not an object", "{\"tasks\": 5}".getBytes());
    payloads.put("empty", new byte[0]);
    payloads.put("hostile pickle", "cos\nsystem\n(S'touch /tmp/pwned-mrt'\ntR.".getBytes());
    try (McpServerClient c = client(shared(mode).a())) {
      for (Map.Entry<String, byte[]> p : payloads.entrySet()) {
        String handle = c.submitRaw("sh_v0.0", UUID.randomUUID().toString(), p.getValue());
        assertTrue(c.failed(handle), p.getKey() + " must be WORK_FAIL");
      }
    }
    assertFalse(Files.exists(pwned), "the hostile pickle ran os.system");
    assertTrue(shared(mode).server().process().isAlive());
    assertEquals("still here\n", runOne(mode, "echo_v0.0", "still here").stdout());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRegistration_exactlyTheModulesFunctions(Mode mode) throws Exception {
    Shared s = shared(mode);
    String mrt = "mrt-" + s.server().process().javaPid();
    String line =
        gearadmin(s.a(), "--workers")
            .lines()
            .filter(l -> l.contains(" " + mrt + " "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no worker " + mrt));
    Set<String> functions =
        new TreeSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
    assertEquals(
        new TreeSet<>(
            Set.of(
                "echo_v0.0",
                "sh_v0.0",
                "slow_v0.0",
                "missing_v0.0",
                "batch_v0.0",
                "noresults_v0.0",
                "forky_v0.0")),
        functions);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testTwoServers_jobsThroughBothAnswered(Mode mode) throws IOException {
    Shared s = shared(mode);
    try (McpServerClient a = client(s.a());
        McpServerClient b = client(s.b())) {
      var onA = a.submit("echo_v0.0", Wire.JSON, McpServerClient.tasks("via a"));
      var onB = b.submit("echo_v0.0", Wire.PICKLE, McpServerClient.tasks("via b"));
      assertEquals("via a\n", a.await(onA).only().stdout());
      assertEquals("via b\n", b.await(onB).only().stdout());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testGearmandRestart_reconnectsAndServesEveryLaterJob(Mode mode) throws Exception {
    Shared s = shared(mode);
    ServeProcess serve = s.server().process();
    String reconnected = "reconnected to gearmand " + s.b().hostPort() + " ";
    int reconnectsBefore = ServeProcess.occurrences(serve.log(), reconnected);
    try (McpServerClient lost = client(s.b())) {
      var slow = lost.submit("sh_v0.0", Wire.JSON, McpServerClient.tasks("-c \"sleep 2\""));
      ServeProcess.awaitCondition(
          "the slow batch to run",
          WAIT,
          () -> status(s.b()).getOrDefault("sh_v0.0", new int[3])[1] == 1);
      s.b().restart();
      // gearmand kept the job in memory only: it is gone with the old process.
      assertThrows(IOException.class, () -> lost.await(slow));
    }
    serve.awaitLogCount(reconnected, reconnectsBefore + 1, WAIT);
    try (McpServerClient c = client(s.b())) {
      List<McpServerClient.Submitted> jobs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        jobs.add(c.submit("echo_v0.0", Wire.JSON, McpServerClient.tasks("after " + i)));
      }
      for (int i = 0; i < 4; i++) {
        assertEquals("after " + i + "\n", c.await(jobs.get(i)).only().stdout());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testSigterm_drainsRunningBatchThenExitsZero(Mode mode) throws Exception {
    try (Gearmand g = Gearmand.start(gearmandLogs(mode, "drain"), "g");
        Server server = Server.start(mode, "drain", List.of(g), "");
        McpServerClient c = client(g)) {
      var job =
          c.submit("sh_v0.0", Wire.JSON, McpServerClient.tasks("-c \"sleep 3; echo drained\""));
      awaitRunningContainer(server, g);
      server.process().terminate();
      TaskReply r = c.await(job).only();
      assertEquals(0, r.exit(), r.stderror());
      assertEquals("drained\n", r.stdout());
      assertEquals(0, server.process().awaitExit(WAIT), server.process().log());
      server.assertClean();
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testSigterm_drainTimeoutLeavesJobToAnotherWorker(Mode mode) throws Exception {
    try (Gearmand g = Gearmand.start(gearmandLogs(mode, "requeue"), "g");
        McpServerClient c = client(g)) {
      McpServerClient.Submitted job;
      try (Server first =
          Server.start(mode, "requeue-1", List.of(g), "mrt.shutdown.drain-timeout=1s\n")) {
        job = c.submit("sh_v0.0", Wire.JSON, McpServerClient.tasks("-c \"sleep 4; echo second\""));
        awaitRunningContainer(first, g);
        first.process().terminate();
        assertEquals(0, first.process().awaitExit(WAIT), first.process().log());
        first.assertClean();
        assertTrue(
            first.process().log().contains("gearmand will requeue it"), first.process().log());
      }
      // No reply went out: gearmand holds the job again, queued and not running.
      int[] queued = status(g).get("sh_v0.0");
      assertEquals(1, queued[0], "jobs queued");
      assertEquals(0, queued[1], "jobs running");
      try (Server second = Server.start(mode, "requeue-2", List.of(g), "")) {
        TaskReply r = c.await(job).only();
        assertEquals(0, r.exit(), r.stderror());
        assertEquals("second\n", r.stdout());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatchMode_runnerReportsEveryTask(Mode mode) throws IOException {
    List<TaskSpec> tasks =
        McpServerClient.tasks(
            "-c \"echo one %taskUUID%\"", "-c \"echo two >&2; exit 5\"", "-c \"exit 0\"");
    Reply r = run(mode, "batch_v0.0", tasks);
    TaskReply one = r.results().get(tasks.get(0).uuid());
    assertEquals(0, one.exit(), one.stderror());
    assertEquals("one " + tasks.get(0).uuid() + "\n", one.stdout());
    TaskReply two = r.results().get(tasks.get(1).uuid());
    assertEquals(5, two.exit());
    assertEquals("two\n", two.stderror());
    assertEquals(0, r.results().get(tasks.get(2).uuid()).exit());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatchMode_runnerWithoutResultsFailsEveryTask(Mode mode) throws IOException {
    assertEveryTaskFailed(
        run(mode, "noresults_v0.0", McpServerClient.tasks("-c true", "-c true")),
        1,
        "mrt: the batch runner left no usable results.json");
  }

  private static void assertEveryTaskFailed(Reply r, int exit, String reason) {
    for (TaskReply t : r.results().values()) {
      assertEquals(exit, t.exit());
      assertTrue(t.stderror().contains(reason), t.stderror());
    }
  }

  /** Waits until gearmand says the job runs and its container exists. */
  private static void awaitRunningContainer(Server server, Gearmand g) {
    ServeProcess.awaitCondition(
        "a running job with its container",
        WAIT,
        () ->
            status(g).getOrDefault("sh_v0.0", new int[3])[1] == 1
                && !server.cli().leftoverContainers().isEmpty());
  }

  /** {@code gearadmin --status}: function to {total, running, workers}. */
  private static Map<String, int[]> status(Gearmand g) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (String line : gearadmin(g, "--status").split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 4) {
        out.put(
            f[0],
            new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])});
      }
    }
    return out;
  }

  private static String gearadmin(Gearmand g, String what) {
    try {
      Process p =
          new ProcessBuilder("gearadmin", what, "-h", "127.0.0.1", "-p", Integer.toString(g.port()))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
