package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.it.MrtCli.Mode;
import dev.mrt.it.MrtCli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness image and the test MariaDB together, with nothing of mrt's Archivematica mode: plain
 * `mrt run` of a Python snippet that drives the harness the way MCPClient's Gearman handler does
 * (loader, worker.run_task, Job), and the Tasks rows it leaves behind.
 *
 * <p>Rootful only for the scripts themselves: the image's User is archivematica (333), which `mrt
 * run` refuses rootless (a rootless container has only root) and has no option to override; `mrt
 * serve` maps it to root by itself. The rootless test checks just that the cached layout is usable
 * by the test user up to that refusal.
 */
class HarnessImageIT {
  private static final Path ROOT =
      Path.of("/tmp/mrt-it", "run-" + ProcessHandle.current().pid(), "harness-it");

  /**
   * Runs a batch as MCPClient's handler does. argv: function, module, the arguments (split as shlex
   * does, "{u8}" standing for the first 8 characters of each task's UUID), task UUIDs.
   */
  private static final String RUN_BATCH =
      String.join(
          "\n",
          "import shlex, sys, django",
          "django.setup()",
          "from client import loader, worker",
          "from client.job import Job",
          "function, module, args, uuids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]",
          "jobs = [Job(function, u, shlex.split(args.replace('{u8}', u[:8])), capture_output=True)",
          "        for u in uuids]",
          "try:",
          "    worker.run_task(function, loader.load_module(module), jobs)",
          "except Exception as err:",
          "    print('batch failed:', err)",
          "for j in jobs:",
          "    print(j.uuid, j.get_exit_code(), repr(j.get_stdout()), repr(j.get_stderr()))",
          "");

  private static MariaDb db;

  @BeforeAll
  static void startDb() {
    db = MariaDb.start(ROOT);
  }

  @AfterAll
  static void stopDb() {
    if (db != null) {
      db.close();
    }
  }

  /** `mrt run` of python3 -c SCRIPT ARGS... in the harness image, with the database's env. */
  private static Result runPython(MrtCli cli, String script, String... args) {
    return runPython(cli, List.of(), script, args);
  }

  /** The same with more `mrt run` options (e.g. -v) before the command. */
  private static Result runPython(MrtCli cli, List<String> options, String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of("run", "--image", HarnessImage.get().reference()));
    db.archivematicaEnv().forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
    // The database, and nothing else on the host: what serve gives the runner too.
    cmd.addAll(
        List.of(
            "--network",
            db.archivematicaEnv().get("ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST")
                + ":"
                + db.archivematicaEnv().get("ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT")));
    cmd.addAll(options);
    cmd.addAll(List.of("--", "python3", "-c", script));
    cmd.addAll(List.of(args));
    return cli.run(cmd.toArray(String[]::new));
  }

  private static List<String> newTasks(String exec, String arguments, int n) {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      uuids.add(UUID.randomUUID().toString());
    }
    db.insertTasks(UUID.randomUUID().toString(), uuids, exec, arguments);
    return uuids;
  }

  @Test
  void testRunTask_echoArgsRecordsBothTasks() {
    MrtCli cli = MrtCli.shared(Mode.ROOTFUL);
    List<String> tasks = newTasks("echoargs_v0.0", "hello", 2);
    LocalDateTime before = LocalDateTime.now(ZoneOffset.UTC).minusSeconds(1);
    Map<String, Object> fresh = db.row(tasks.get(0));
    assertNull(fresh.get("startTime"), fresh.toString());
    assertNull(fresh.get("exitCode"), fresh.toString());

    Result r =
        runPython(
            cli, RUN_BATCH, "echoargs_v0.0", "echo_args", "hello {u8}", tasks.get(0), tasks.get(1));

    assertEquals(0, r.exit(), r.toString());
    StringBuilder expected = new StringBuilder();
    for (String t : tasks) {
      expected
          .append(t)
          .append(" 0 'echoargs_v0.0 hello ")
          .append(t, 0, 8)
          .append("\\n' 'err ")
          .append(t)
          .append("\\n'\n");
    }
    assertEquals(expected.toString(), r.stdout(), r.toString());
    LocalDateTime after = LocalDateTime.now(ZoneOffset.UTC).plusSeconds(1);
    for (String t : tasks) {
      Map<String, Object> row = db.row(t);
      LocalDateTime start = (LocalDateTime) row.get("startTime");
      LocalDateTime end = (LocalDateTime) row.get("endTime");
      assertNotNull(start, row.toString());
      assertNotNull(end, row.toString());
      // Written in UTC (USE_TZ), with Django's microseconds.
      assertTrue(
          !start.isBefore(before) && !end.isBefore(start) && !end.isAfter(after), row.toString());
      assertEquals(0L, row.get("exitCode"), row.toString());
      assertEquals("echoargs_v0.0 hello " + t.substring(0, 8) + "\n", row.get("stdOut"));
      assertEquals("err " + t + "\n", row.get("stdError"));
      // What MCPServer wrote is left alone.
      assertEquals("echoargs_v0.0", row.get("exec"));
      assertEquals("hello", row.get("arguments"));
    }
  }

  @Test
  void testRunTask_raisingScriptMarksWholeBatchFailed() {
    MrtCli cli = MrtCli.shared(Mode.ROOTFUL);
    List<String> tasks = newTasks("raiseerror_v0.0", "", 2);

    Result r =
        runPython(cli, RUN_BATCH, "raiseerror_v0.0", "raise_error", "", tasks.get(0), tasks.get(1));

    assertEquals(0, r.exit(), r.toString());
    assertTrue(
        r.stdout().startsWith("batch failed: raise_error: refused the whole batch\n"),
        r.toString());
    for (String t : tasks) {
      Map<String, Object> row = db.row(t);
      assertEquals(1L, row.get("exitCode"), row.toString());
      assertEquals("raise_error: refused the whole batch", row.get("stdError"));
      assertNotNull(row.get("startTime"), row.toString());
      assertNotNull(row.get("endTime"), row.toString());
    }
  }

  @Test
  void testDbProbe_readsItsOwnRowAsUserArchivematica() {
    MrtCli cli = MrtCli.shared(Mode.ROOTFUL);
    List<String> tasks = newTasks("dbprobe_v0.0", "--probe \"a b\"", 1);
    String script = RUN_BATCH + "import os; print('uid', os.getuid(), os.getgid())\n";

    Result r = runPython(cli, script, "dbprobe_v0.0", "db_probe", "", tasks.get(0));

    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        tasks.get(0)
            + " 0 'exec dbprobe_v0.0\\narguments --probe \"a b\"\\n' ''\n"
            + "uid "
            + HarnessImage.UID
            + " "
            + HarnessImage.GID
            + "\n",
        r.stdout(),
        r.toString());
  }

  @Test
  void testWriteShared_writesAsArchivematicaIntoMountedDirectory() throws Exception {
    MrtCli cli = MrtCli.shared(Mode.ROOTFUL);
    // The scripts' user (333) writes here, as into Archivematica's shared directory.
    Path shared = Files.createDirectories(ROOT.resolve("shared-" + System.nanoTime()));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> tasks = newTasks("writeshared_v0.0", "", 2);

    Result r =
        runPython(
            cli,
            List.of("-v", shared + ":/shared"),
            RUN_BATCH,
            "writeshared_v0.0",
            "write_shared",
            "/shared/{u8}.txt",
            tasks.get(0),
            tasks.get(1));

    assertEquals(0, r.exit(), r.toString());
    for (String t : tasks) {
      String line = t + " 0 '" + HarnessImage.UID + "\\n' ''\n";
      assertTrue(r.stdout().contains(line), r.toString());
      Path written = shared.resolve(t.substring(0, 8) + ".txt");
      assertEquals("written by " + t + "\n", Files.readString(written));
      assertEquals(HarnessImage.UID, Files.getAttribute(written, "unix:uid"));
      assertEquals(HarnessImage.UID + "\n", db.row(t).get("stdOut"));
    }
  }

  @Test
  void testSleepThenEcho_startAndEndTimesSpanTheSleep() {
    MrtCli cli = MrtCli.shared(Mode.ROOTFUL);
    List<String> tasks = newTasks("sleepthenecho_v0.0", "", 1);

    Result r =
        runPython(
            cli, RUN_BATCH, "sleepthenecho_v0.0", "sleep_then_echo", "0.5 done", tasks.get(0));

    assertEquals(0, r.exit(), r.toString());
    Map<String, Object> row = db.row(tasks.get(0));
    assertEquals("sleepthenecho_v0.0 0.5 done\n", row.get("stdOut"), row.toString());
    Duration took =
        Duration.between((LocalDateTime) row.get("startTime"), (LocalDateTime) row.get("endTime"));
    assertTrue(took.toMillis() >= 500, took.toString());
  }

  @Test
  void testMariaDb_restartKeepsPortAndRows() {
    List<String> tasks = newTasks("echoargs_v0.0", "kept", 1);
    int port = db.port();

    db.restart();

    assertEquals(port, db.port());
    assertEquals("kept", db.row(tasks.get(0)).get("arguments"));
    assertNull(db.row(UUID.randomUUID().toString()));
  }

  @Test
  void testLoader_modulesFileListsEveryFunctionAndMissingModuleIsNone() {
    MrtCli cli = MrtCli.shared(Mode.ROOTFUL);
    String script =
        String.join(
            "\n",
            "import os, warnings, django",
            "django.setup()",
            "from client import loader",
            "modules = loader.get_supported_modules(",
            "    os.environ['ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES'])",
            "with warnings.catch_warnings(record=True) as caught:",
            "    warnings.simplefilter('always')",
            "    for name, module in sorted(modules.items()):",
            "        print(name, module, loader.load_module(module) is not None)",
            "print([w.category.__name__ for w in caught])",
            "");

    Result r = runPython(cli, script);

    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        String.join(
            "\n",
            "dbprobe_v0.0 db_probe True",
            "echoargs_v0.0 echo_args True",
            "missingmodule_v0.0 no_such_module False",
            "raiseerror_v0.0 raise_error True",
            "sleepthenecho_v0.0 sleep_then_echo True",
            "writeshared_v0.0 write_shared True",
            "['RuntimeWarning']",
            ""),
        r.stdout(),
        r.toString());
  }

  @Test
  void testRun_rootlessReadsLayoutButRefusesUserArchivematica() {
    MrtCli cli = MrtCli.shared(Mode.ROOTLESS);

    Result r = runPython(cli, "print('ran')");

    // Refused only after mrt read the layout and the image's /etc/passwd as the test user.
    assertEquals(125, r.exit(), r.toString());
    assertTrue(r.messages().contains("archivematica"), r.toString());
    assertTrue(
        r.messages().contains("(" + HarnessImage.UID + ":" + HarnessImage.GID + ")"), r.toString());
  }
}
