package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.gearman.Gearmand;
import dev.mrt.it.McpServerClient.Reply;
import dev.mrt.it.McpServerClient.TaskReply;
import dev.mrt.it.McpServerClient.TaskSpec;
import dev.mrt.it.MrtCli.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code mrt serve} as an MCPClient with {@code mrt.archivematica.runner=archivematica}: real
 * gearmand, a real MariaDB holding Archivematica's Tasks table, and the harness image (a Python
 * tree with MCPClient's interface, Django 3.2 and mysqlclient). Each batch runs in one fresh
 * container through the harness, which writes the rows; mrt writes them where the harness could
 * not, and for a task-mode function.
 */
class ArchivematicaRunnerIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Path ROOT =
      Path.of("/tmp/mrt-it", "run-" + ProcessHandle.current().pid(), "archivematica-runner");

  /** The harness's functions, plus one in task mode in the default image. */
  private static final String TASK_MODE = "shtask_v0.0 = sh\n";

  private static final String SETTINGS =
      String.join(
          "\n",
          "mrt.archivematica.runner=archivematica",
          "mrt.functions.\"sleepthenecho_v0.0\".timeout=3s",
          "mrt.functions.\"shtask_v0.0\".runner=command",
          "mrt.functions.\"shtask_v0.0\".image=default",
          "");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private record Server(Gearmand gearmand, ServeProcess process, MrtCli cli, Path shared, int port)
      implements AutoCloseable {
    McpServerClient client() {
      return new McpServerClient(gearmand.address(), Duration.ofSeconds(120));
    }

    String metrics() throws Exception {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    @Override
    public void close() {
      process.close();
      gearmand.close();
    }
  }

  private static MariaDb db;
  private static final Map<Mode, Server> SERVERS = new EnumMap<>(Mode.class);

  private static synchronized MariaDb db() {
    if (db == null) {
      db = MariaDb.start(ROOT);
    }
    return db;
  }

  private static synchronized Server server(Mode mode) {
    MrtCli.assume(mode);
    return SERVERS.computeIfAbsent(
        mode,
        m -> {
          try {
            return start(m, "serve", Map.of());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static Server start(Mode mode, String name, Map<String, String> more) throws IOException {
    MrtCli shared = MrtCli.shared(mode);
    MrtCli cli =
        new MrtCli(mode, ROOT.resolve(name + "-" + mode.name().toLowerCase()))
            .withEnv("MRT_CACHE_DIR", shared.cacheDir().toString());
    shared.mkdirOwned(shared.cacheDir());
    Path sharedDir = cli.mkdirOwned(cli.home().resolve("sharedDirectory"));
    // Rootful, the scripts run as the image's archivematica (333): the shared directory must be
    // theirs to write, as an operator makes it for MCPClient.
    Files.setPosixFilePermissions(sharedDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path modules =
        MrtCli.readableFile(
            cli.home().resolve("archivematicaClientModules"),
            Files.readString(HarnessImage.get().modulesFile()) + TASK_MODE);
    Path properties = MrtCli.readableFile(cli.home().resolve("serve.properties"), SETTINGS);
    Gearmand gearmand = Gearmand.start(cli.home(), "gearmand");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> env = new LinkedHashMap<>(db().archivematicaEnv());
    env.put("MRT_GEARMAN_SERVERS", gearmand.hostPort());
    env.put("MRT_ARCHIVEMATICA_MODULES_FILE", modules.toString());
    env.put("MRT_ARCHIVEMATICA_SHARED_DIRECTORY", sharedDir.toString());
    env.put("MRT_ARCHIVEMATICA_IMAGE", HarnessImage.get().reference());
    env.put("MRT_POOL_SIZE", "2");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.putAll(more);
    ServeProcess p = cli.startServe(name, env, "--config", properties.toString());
    p.awaitLog("connected to gearmand " + gearmand.hostPort() + " ", WAIT);
    return new Server(gearmand, p, cli, sharedDir, port);
  }

  @AfterAll
  static void stop() {
    SERVERS.values().forEach(Server::close);
    SERVERS.clear();
    if (db != null) {
      db.close();
      db = null;
    }
  }

  /** Tasks rows as MCPServer inserts them before it submits, and the batch that names them. */
  private static List<TaskSpec> tasks(String exec, String... arguments) {
    List<TaskSpec> tasks = new ArrayList<>();
    for (String a : arguments) {
      tasks.add(McpServerClient.task(a));
    }
    db().insertTasks(
            UUID.randomUUID().toString(), tasks.stream().map(TaskSpec::uuid).toList(), exec, "");
    return tasks;
  }

  private static Reply run(Mode mode, String function, List<TaskSpec> tasks) throws IOException {
    try (McpServerClient c = server(mode).client()) {
      return c.run(function, tasks);
    }
  }

  private static double series(String scrape, String name) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .findFirst()
        .map(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError("no " + name + " in\n" + scrape));
  }

  private static double containers(Server s) throws Exception {
    String m = s.metrics();
    double n = 0;
    for (String outcome : List.of("ok", "nonzero", "timeout", "start_failed", "killed")) {
      n += series(m, "mrt_tasks_total{outcome=\"" + outcome + "\"}");
    }
    return n;
  }

  /** Waits until mrt's writer has set the row's exitCode (its writes are asynchronous). */
  private static Map<String, Object> finishedRow(String uuid) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, Object> row = db().row(uuid);
    while (row.get("exitCode") == null && System.nanoTime() < deadline) {
      Thread.sleep(100);
      row = db().row(uuid);
    }
    return row;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatch_128TasksInOneContainerThroughTheHarness(Mode mode) throws Exception {
    Server s = server(mode);
    String[] args = new String[128];
    for (int i = 0; i < 128; i++) {
      args[i] = "task-" + i + " --exit " + (i % 5);
    }
    List<TaskSpec> tasks = tasks("echoArgs_v0.0", args);
    // MCPServer may not want a task's output back: the row still gets it.
    TaskSpec quiet = new TaskSpec(tasks.get(1).uuid(), McpServerClient.CREATED, args[1], false);
    tasks.set(1, quiet);
    LocalDateTime before = LocalDateTime.now(ZoneOffset.UTC).minusSeconds(1);
    double containersBefore = containers(s);

    Reply r = run(mode, "echoargs_v0.0", tasks);

    assertTrue(!r.failed(), s.process().log());
    assertEquals(1, containers(s) - containersBefore, "one container for the whole batch");
    for (int i = 0; i < 128; i++) {
      TaskSpec t = tasks.get(i);
      TaskReply reply = r.results().get(t.uuid());
      assertEquals(i % 5, reply.exit(), "task " + i);
      Map<String, Object> row = db().row(t.uuid());
      assertEquals((long) (i % 5), row.get("exitCode"), row.toString());
      assertEquals("echoargs_v0.0 task-" + i + " --exit " + (i % 5) + "\n", row.get("stdOut"));
      assertEquals("err " + t.uuid() + "\n", row.get("stdError"));
      LocalDateTime start = (LocalDateTime) row.get("startTime");
      LocalDateTime end = (LocalDateTime) row.get("endTime");
      assertTrue(start != null && !start.isBefore(before) && !end.isBefore(start), row.toString());
      // The reply's time is the harness's own end time, as MCPClient sends it.
      assertEquals(
          end.toInstant(ZoneOffset.UTC),
          OffsetDateTime.parse(reply.finishedTimestamp()).toInstant(),
          "task " + i);
      if (i == 1) {
        assertNull(reply.stdout(), "no output asked for");
        assertNull(reply.stderror());
      } else {
        assertEquals(row.get("stdOut"), reply.stdout());
        assertEquals(row.get("stdError"), reply.stderror());
        assertEquals(row.get("stdError"), reply.stderr(), "stderr beside stderror");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatch_callRaisingIsWorkFailWithRowsMarked(Mode mode) throws Exception {
    List<TaskSpec> tasks = tasks("raiseError_v0.0", "a", "b");
    Reply r = run(mode, "raiseerror_v0.0", tasks);
    assertTrue(r.failed(), "WORK_FAIL, as MCPClient when call(jobs) raises");
    for (TaskSpec t : tasks) {
      Map<String, Object> row = db().row(t.uuid());
      assertEquals(1L, row.get("exitCode"), row.toString());
      assertEquals("raise_error: refused the whole batch", row.get("stdError"));
      assertNotNull(row.get("endTime"), row.toString());
    }
    assertTrue(
        server(mode)
            .process()
            .log()
            .contains(
                "the client script failed the whole batch"
                    + " (raise_error: refused the whole batch); replying WORK_FAIL"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatch_missingModuleFailsEveryTaskLoggedOnce(Mode mode) throws Exception {
    for (int round = 0; round < 2; round++) {
      List<TaskSpec> tasks = tasks("missingModule_v0.0", "x", "y");
      Reply r = run(mode, "missingmodule_v0.0", tasks);
      assertTrue(!r.failed());
      for (TaskSpec t : tasks) {
        TaskReply reply = r.results().get(t.uuid());
        assertEquals(1, reply.exit());
        assertTrue(
            reply
                .stderror()
                .startsWith("mrt: module clientScripts.no_such_module does" + " not import:"),
            reply.stderror());
        // The harness never ran: mrt marks the row itself.
        Map<String, Object> row = finishedRow(t.uuid());
        assertEquals(1L, row.get("exitCode"), row.toString());
        assertEquals(reply.stderror(), row.get("stdError"));
      }
    }
    assertEquals(
        1,
        ServeProcess.occurrences(
            server(mode).process().log(), "missingmodule_v0.0: no task can run in image"),
        "logged once per function");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatch_killedByItsTimeoutRowsMarkedByMrt(Mode mode) throws Exception {
    List<TaskSpec> tasks = tasks("sleepThenEcho_v0.0", "60", "0");
    long start = System.nanoTime();
    Reply r = run(mode, "sleepthenecho_v0.0", tasks);
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
    for (TaskSpec t : tasks) {
      TaskReply reply = r.results().get(t.uuid());
      assertEquals(124, reply.exit(), reply.stderror());
      assertTrue(
          reply.stderror().contains("mrt: task timed out after 3s and was killed"),
          reply.stderror());
      Map<String, Object> row = finishedRow(t.uuid());
      assertEquals(124L, row.get("exitCode"), row.toString());
      assertTrue(((String) row.get("stdError")).contains("timed out after 3s"), row.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testBatch_scriptsReachTheDatabaseAndRunAsTheImagesUser(Mode mode) throws Exception {
    Server s = server(mode);
    List<TaskSpec> probe = tasks("dbProbe_v0.0", "");
    TaskReply p = run(mode, "dbprobe_v0.0", probe).only();
    assertEquals("exec dbProbe_v0.0\narguments \n", p.stdout(), p.stderror());

    Path file = s.shared().resolve("written-" + System.nanoTime());
    TaskReply w =
        run(
                mode,
                "writeshared_v0.0",
                tasks("writeShared_v0.0", "%sharedPath%" + file.getFileName()))
            .only();
    assertEquals(0, w.exit(), w.stderror());
    // Rootful, the image's User; rootless, the container has only root: the test user outside.
    int uid = mode == Mode.ROOTFUL ? HarnessImage.UID : 0;
    assertEquals(uid + "\n", w.stdout());
    int owner = (int) Files.getAttribute(file, "unix:uid");
    assertEquals(
        mode == Mode.ROOTFUL
            ? HarnessImage.UID
            : (int) Files.getAttribute(s.cli().home(), "unix:uid"),
        owner);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testTaskMode_rowsWrittenByMrtAndKeptWhileTheDatabaseIsAway(Mode mode) throws Exception {
    List<TaskSpec> tasks = tasks("shTask_v0.0", "-c \"echo out; echo err >&2; exit 3\"", "-c true");
    Reply r = run(mode, "shtask_v0.0", tasks);
    assertEquals(3, r.results().get(tasks.get(0).uuid()).exit());
    Map<String, Object> row = finishedRow(tasks.get(0).uuid());
    assertEquals(3L, row.get("exitCode"), row.toString());
    assertNotNull(row.get("startTime"), row.toString());
    assertNotNull(row.get("endTime"), row.toString());
    assertEquals("out\n", row.get("stdOut"));
    assertEquals("err\n", row.get("stdError"));
    assertEquals(0L, finishedRow(tasks.get(1).uuid()).get("exitCode"));

    // The database goes away mid-run: replies still go back at once; rows follow it back.
    List<TaskSpec> later = tasks("shTask_v0.0", "-c \"echo late\"");
    db().stop();
    try {
      long start = System.nanoTime();
      Reply whileDown = run(mode, "shtask_v0.0", later);
      assertEquals("late\n", whileDown.only().stdout());
      assertTrue(
          System.nanoTime() - start < Duration.ofSeconds(20).toNanos(),
          "the reply never waits for the database");
      Thread.sleep(1500);
      assertTrue(
          server(mode).metrics().contains("mrt_database_up 0.0"), "the database shows as down");
    } finally {
      db().restart();
    }
    Map<String, Object> lateRow = finishedRow(later.get(0).uuid());
    assertEquals(0L, lateRow.get("exitCode"), "written once the database is back: " + lateRow);
    assertEquals("late\n", lateRow.get("stdOut"));
    String m = server(mode).metrics();
    assertTrue(series(m, "mrt_database_writes_total{outcome=\"retried\"}") >= 1, m);
    assertEquals(0, series(m, "mrt_database_writes_total{outcome=\"failed\"}"), m);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testDrain_killedBatchLeavesItsRowsMarked(Mode mode) throws Exception {
    MrtCli.assume(mode);
    try (Server s = start(mode, "drain", Map.of("MRT_SHUTDOWN_DRAIN_TIMEOUT", "1s"));
        McpServerClient c = s.client()) {
      List<TaskSpec> tasks = tasks("shTask_v0.0", "-c \"sleep 60\"");
      c.submit("shtask_v0.0", McpServerClient.Wire.JSON, tasks);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (series(s.metrics(), "mrt_pool_busy") < 1 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      s.process().terminate();
      assertEquals(0, s.process().awaitExit(WAIT), s.process().log());
      // No reply (gearmand requeues the batch), but the row says why it has no result yet.
      Map<String, Object> row = db().row(tasks.get(0).uuid());
      assertEquals(1L, row.get("exitCode"), row.toString());
      assertTrue(
          ((String) row.get("stdError")).endsWith("; gearmand hands the batch to another worker\n"),
          row.toString());
    }
  }
}
