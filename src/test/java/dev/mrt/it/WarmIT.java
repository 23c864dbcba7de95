package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mrt.gearman.Gearmand;
import dev.mrt.it.McpServerClient.TaskReply;
import dev.mrt.it.MrtCli.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Warm containers of {@code mrt serve} with real runc and gearmand: each used by one task only and
 * replaced, the job exactly what a cold start runs (argv, environment, cwd, PID 1, exit status,
 * signals, timeout), superseded when the settings change, and nothing left after a drain. A
 * function's first task on a server is a miss and so a cold start: the reference a hit of the same
 * function is compared with.
 */
class WarmIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HELPER = "/run/mrt-handoff/mrt-handoff";
  private static final String TOKEN = "warm-t0ken";

  /** How many warm containers a function keeps: the default. */
  private static final int WARM = 2;

  private static final String MODULES =
      String.join(
          "\n",
          "[supportedBatchCommands]",
          "once_v0.0 = sh",
          "exact_v0.0 = sh",
          "exit_v0.0 = sh",
          "signal_v0.0 = sleep",
          "timeout_v0.0 = sleep",
          "missing_v0.0 = no-such-tool",
          "drain_v0.0 = sh",
          // A command on a bind mount, so mrt does not look for it in the image: its exec fails.
          "noexec_v0.0 = %SHARED%/not-executable",
          "");

  private static final String FUNCTIONS =
      String.join(
          "\n",
          "mrt.functions.\"timeout_v0.0\".timeout=1s",
          // Every test function keeps its own: none gives way to another's.
          "mrt.pool.warm-max=64",
          "");

  /** One mrt serve on its own gearmand, its HTTP port known (metrics and the job API). */
  private record Server(Gearmand gearmand, MrtCli cli, ServeProcess process, int port, Path shared)
      implements AutoCloseable {

    static Server start(Mode mode, String name, String moreConfig) {
      Path home = MrtCli.runDir("warm", mode, name);
      MrtCli shared = MrtCli.shared(mode);
      MrtCli cli = new MrtCli(mode, home).withEnv("MRT_CACHE_DIR", shared.cacheDir().toString());
      shared.mkdirOwned(shared.cacheDir());
      Path sharedDir = cli.mkdirOwned(home.resolve("sharedDirectory"));
      Path modules =
          MrtCli.readableFile(
              home.resolve("modules"), MODULES.replace("%SHARED%", sharedDir.toString()));
      MrtCli.readableFile(sharedDir.resolve("not-executable"), "#!/bin/sh\n");
      Path properties =
          MrtCli.readableFile(
              home.resolve("serve.properties"),
              FUNCTIONS
                  + "mrt.api.allowed-images=default,"
                  + OciImages.busyboxRootfs()
                  + "\n"
                  + moreConfig);
      Gearmand g = Gearmand.start(home.resolve("gearmand"), name);
      int port = freePort();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("MRT_GEARMAN_SERVERS", g.hostPort());
      env.put("MRT_ARCHIVEMATICA_MODULES_FILE", modules.toString());
      env.put("MRT_ARCHIVEMATICA_SHARED_DIRECTORY", sharedDir.toString());
      env.put("MRT_POOL_SIZE", "2");
      env.put("MRT_API_TOKEN", TOKEN);
      env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      ServeProcess process = cli.startServe(name, env, "--config", properties.toString());
      process.awaitLog("connected to gearmand " + g.hostPort() + " ", WAIT);
      return new Server(g, cli, process, port, sharedDir);
    }

    TaskReply run(String function, String arguments) throws IOException {
      try (McpServerClient c = new McpServerClient(gearmand.address(), WAIT.multipliedBy(2))) {
        McpServerClient.Reply r = c.run(function, McpServerClient.tasks(arguments));
        assertFalse(r.failed(), "WORK_FAIL for " + function + "\n" + process.log());
        return r.only();
      }
    }

    /** Runs one task; asserts it found a warm container ({@code hit}) or did not. */
    TaskReply run(boolean hit, String function, String arguments) throws IOException {
      String scrape = metrics();
      TaskReply r = run(function, arguments);
      assertCounted(scrape, hit, function);
      return r;
    }

    void assertCounted(String before, boolean hit, String function) {
      String after = metrics();
      String f = "{function=\"" + function + "\"}";
      assertEquals(
          hit ? 1.0 : 0.0, delta(before, after, "mrt_warm_hits_total" + f), "hits of " + function);
      assertEquals(
          hit ? 0.0 : 1.0,
          delta(before, after, "mrt_warm_misses_total" + f),
          "misses of " + function);
    }

    String metrics() {
      return http(HttpRequest.newBuilder(uri("/metrics"))).body();
    }

    /** POST /v1/jobs of {@code args} in {@code image}, and its answer once done. */
    JsonNode job(String image, String... args) {
      ObjectNode body = JSON.createObjectNode().put("image", image);
      Stream.of(args).forEach(body.putArray("args")::add);
      return job(body);
    }

    JsonNode job(ObjectNode body) {
      HttpResponse<String> r =
          http(
              HttpRequest.newBuilder(uri("/v1/jobs"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
      assertEquals(200, r.statusCode(), r.body());
      try {
        return JSON.readTree(r.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * The containers once none is being started or removed: no task runs between the tests' steps,
     * so only warm ones, and a set unchanged for a while is what the pool settled on.
     */
    Set<String> settled() {
      List<Set<String>> last = new ArrayList<>(List.of(Set.of()));
      long[] since = {System.nanoTime()};
      ServeProcess.awaitCondition(
          "the waiting containers to settle",
          WAIT,
          () -> {
            Set<String> now = new TreeSet<>(cli.leftoverContainers());
            if (!now.equals(last.get(0))) {
              last.set(0, now);
              since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] > Duration.ofMillis(700).toNanos();
          });
      return last.get(0);
    }

    /** Waits until exactly {@code n} containers exist; returns them. */
    Set<String> awaitContainers(int n) {
      ServeProcess.awaitCondition(
          n + " containers", WAIT, () -> cli.leftoverContainers().size() == n);
      return settled();
    }

    @Override
    public void close() {
      try {
        process.close();
      } finally {
        gearmand.close();
      }
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static HttpResponse<String> http(HttpRequest.Builder r) {
    try {
      return HTTP.send(
          r.timeout(WAIT.multipliedBy(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static final Map<Mode, Server> SHARED = new EnumMap<>(Mode.class);
  private static final Map<Mode, Server> COLD = new EnumMap<>(Mode.class);

  /** The warm server of this mode, shared by the tests that do not stop it. */
  private static synchronized Server shared(Mode mode) {
    MrtCli.assume(mode);
    return SHARED.computeIfAbsent(mode, m -> Server.start(m, "shared", ""));
  }

  /** A server without warm containers: every task's container is made when it comes. */
  private static synchronized Server cold(Mode mode) {
    MrtCli.assume(mode);
    return COLD.computeIfAbsent(mode, m -> Server.start(m, "cold", "mrt.pool.warm=0\n"));
  }

  @AfterAll
  static void stopShared() {
    Stream.of(SHARED, COLD).flatMap(m -> m.values().stream()).forEach(Server::close);
    SHARED.clear();
    COLD.clear();
  }

  private static TaskReply cold(Mode mode, String function, String arguments) throws IOException {
    return cold(mode).run(function, arguments);
  }

  /** The task on the warm server once warm containers wait for it (after a first): a hit. */
  private static TaskReply warm(Mode mode, String function, String arguments) throws IOException {
    Server s = shared(mode);
    s.run(function, arguments);
    s.settled();
    return s.run(true, function, arguments);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testWarmContainer_usedOnceAndReplaced(Mode mode) throws IOException {
    Server s = shared(mode);
    String marker = "-c 'test ! -e /tmp/used || { echo reused; exit 9; }; touch /tmp/used'";
    assertEquals(0, s.run("once_v0.0", marker).exit());
    Set<String> waiting = s.settled();
    assertFalse(waiting.isEmpty(), "no warm containers after a task");

    TaskReply hit = s.run(true, "once_v0.0", marker);
    assertEquals(0, hit.exit(), hit.stdout() + hit.stderror());
    Set<String> after = s.awaitContainers(waiting.size());
    Set<String> used = new HashSet<>(waiting);
    used.removeAll(after);
    Set<String> added = new HashSet<>(after);
    added.removeAll(waiting);
    assertEquals(1, used.size(), "one waiting container taken and gone: " + waiting + after);
    assertEquals(1, added.size(), "and one new one in its place: " + waiting + after);

    // Another hit, in a container made before the last task: still no trace of that task.
    TaskReply again = s.run(true, "once_v0.0", marker);
    assertEquals(0, again.exit(), again.stdout() + again.stderror());
    assertEquals(waiting.size(), s.awaitContainers(waiting.size()).size());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testJob_argvEnvCwdAndPid1ExactlyAsCold(Mode mode) throws IOException {
    String show =
        "-c 'pwd; env | sort; printf \"[%s]\" \"$0\" \"$@\"; echo;"
            + " tr \"\\0\" \" \" < /proc/1/cmdline; echo; echo $$;"
            + " readlink /proc/self/fd/0 | cut -d: -f1' a 'b c' ''";
    TaskReply cold = cold(mode, "exact_v0.0", show);
    TaskReply warm = warm(mode, "exact_v0.0", show);
    assertEquals(0, cold.exit(), cold.stderror());
    assertTrue(cold.stdout().contains("\n[a][b c][]\n"), cold.stdout());
    assertTrue(cold.stdout().contains("\nsh -c pwd; env"), "the job is PID 1: " + cold.stdout());
    assertEquals(cold.stdout(), warm.stdout());
    assertEquals(cold.stderror(), warm.stderror());
    assertEquals(cold.exit(), warm.exit());

    // The job API sets the working directory (one that exists, one runc has to make) and the
    // environment, and gives the job its input.
    Server s = shared(mode);
    for (String workdir : List.of("/usr/lib", "/srv/made/" + mode)) {
      ObjectNode job = JSON.createObjectNode().put("workdir", workdir).put("stdin", "in\n");
      job.putObject("env").put("X", "a b").put("EMPTY", "").put("PATH", "/bin:/usr/bin");
      job.putArray("args")
          .add("sh")
          .add("-c")
          .add(
              "pwd; ls -ld .; env | sort; echo \"$0\";"
                  + " tr \"\\0\" \" \" < /proc/1/cmdline; echo; cat")
          .add("zero");
      JsonNode coldJob = cold(mode).job(job);
      s.job(job);
      s.settled();
      String before = s.metrics();
      JsonNode warmJob = s.job(job);
      assertEquals(1.0, delta(before, s.metrics(), "mrt_warm_hits_total{function=\"api\"}"));
      assertEquals(0, coldJob.get("exitCode").asInt(), coldJob.toString());
      assertTrue(coldJob.get("stdout").asText().startsWith(workdir + "\n"), coldJob.toString());
      for (String field : List.of("exitCode", "stdout", "stderr")) {
        assertEquals(coldJob.get(field), warmJob.get(field), workdir + ": " + field);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testSeccomp_warmJobUnderTheFilterCompiledOnceAsCold(Mode mode) throws IOException {
    String show =
        "-c 'grep -E \"^(NoNewPrivs|Seccomp|Seccomp_filters):\" /proc/self/status;"
            + " unshare -U true; echo \"unshare $?\"'";
    TaskReply cold = cold(mode, "exact_v0.0", show);
    TaskReply warm = warm(mode, "exact_v0.0", show);
    assertTrue(
        cold.stdout().contains("Seccomp:\t2\nSeccomp_filters:\t1\nunshare 1\n"), cold.stdout());
    assertEquals(cold.stdout(), warm.stdout());
    assertEquals(cold.stderror(), warm.stderror());
    // runc loaded none in the waiting ones: the helper loads the filter mrt compiled once.
    Server s = shared(mode);
    s.settled();
    try (Stream<Path> configs = Files.walk(s.cli().stateDir().resolve("bundles"))) {
      List<String> waiting =
          configs
              .filter(p -> p.endsWith("config.json"))
              .map(
                  p -> {
                    try {
                      return Files.readString(p);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .filter(c -> c.contains("MRT_HANDOFF_SECCOMP=/run/mrt-handoff/seccomp/"))
              .toList();
      assertFalse(waiting.isEmpty(), "no waiting container got a compiled filter");
      waiting.forEach(c -> assertFalse(c.contains("\"seccomp\""), c));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testExitStatusAndHostSigkill_exactlyAsCold(Mode mode) throws Exception {
    String exit7 = "-c 'echo out; echo err >&2; exit 7'";
    TaskReply cold = cold(mode, "exit_v0.0", exit7);
    TaskReply warm = warm(mode, "exit_v0.0", exit7);
    assertEquals(7, cold.exit());
    assertEquals(
        List.of(cold.exit(), cold.stdout(), cold.stderror()),
        List.of(warm.exit(), warm.stdout(), warm.stderror()));

    TaskReply coldKilled = killedFromHost(cold(mode), Optional.empty(), "37.5");
    Server s = shared(mode);
    s.run("signal_v0.0", "0");
    s.settled();
    TaskReply warmKilled = killedFromHost(s, Optional.of(s.metrics()), "37.25");
    assertEquals(137, coldKilled.exit(), coldKilled.stderror());
    assertEquals(
        List.of(coldKilled.exit(), coldKilled.stdout(), coldKilled.stderror()),
        List.of(warmKilled.exit(), warmKilled.stdout(), warmKilled.stderror()));
  }

  /** A {@code sleep SECONDS} task, SIGKILLed by pid from the host while it runs. */
  private static TaskReply killedFromHost(Server s, Optional<String> hitSince, String seconds)
      throws Exception {
    try (McpServerClient c = new McpServerClient(s.gearmand().address(), WAIT)) {
      var job = c.submit("signal_v0.0", McpServerClient.Wire.JSON, McpServerClient.tasks(seconds));
      long[] pid = {0};
      ServeProcess.awaitCondition(
          "sleep " + seconds + " to run",
          WAIT,
          () -> {
            pid[0] = pidOf(List.of("sleep", seconds)).orElse(0L);
            return pid[0] != 0;
          });
      Shell.run("kill", "-KILL", Long.toString(pid[0]));
      TaskReply r = c.await(job).only();
      hitSince.ifPresent(before -> s.assertCounted(before, true, "signal_v0.0"));
      return r;
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testTimeout_ofWarmJobThenNextStillHits(Mode mode) throws IOException {
    Server s = shared(mode);
    assertEquals(0, s.run("timeout_v0.0", "0").exit());
    s.settled();
    long start = System.nanoTime();
    TaskReply slow = s.run(true, "timeout_v0.0", "30");
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "killed at 1s");
    assertEquals(124, slow.exit());
    assertEquals("\nmrt: task timed out after 1s and was killed\n", slow.stderror());
    s.settled();
    TaskReply next = s.run(true, "timeout_v0.0", "0");
    assertEquals(0, next.exit(), next.stderror());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testImageChange_supersedesTheWaitingOnes(Mode mode) {
    Server s = shared(mode);
    String busybox = OciImages.busyboxRootfs().toString();
    String discards = "mrt_warm_discards_total{reason=\"superseded\"}";
    assertEquals(0, s.job("default", "true").get("exitCode").asInt());
    // The API's jobs are one group: now warm for the default image, whoever ran before.
    Set<String> onDefault = s.settled();
    String before = s.metrics();
    JsonNode bb = s.job(busybox, "sh", "-c", "busybox | head -1");
    assertEquals(0, bb.get("exitCode").asInt(), bb.toString());
    assertTrue(bb.get("stdout").asText().startsWith("BusyBox"), bb.toString());
    ServeProcess.awaitCondition(
        "superseded discards", WAIT, () -> delta(before, s.metrics(), discards) == WARM);
    Set<String> onBusybox = s.awaitContainers(onDefault.size());
    Set<String> kept = new HashSet<>(onDefault);
    kept.retainAll(onBusybox);
    assertEquals(
        onDefault.size() - WARM,
        kept.size(),
        "the default image's two are gone: " + onDefault + onBusybox);
    assertTrue(s.job(busybox, "true").get("exitCode").asInt() == 0);
    assertEquals(WARM, delta(before, s.metrics(), discards), "same image: nothing superseded");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testMissingCommand_failsAsColdAndLeavesWarmOnesAlone(Mode mode) throws IOException {
    Server s = shared(mode);
    assertEquals(0, s.job("default", "true").get("exitCode").asInt());
    Set<String> waiting = s.settled();
    String before = s.metrics();

    JsonNode missing = s.job("default", "no-such-tool", "-x");
    JsonNode coldMissing = cold(mode).job("default", "no-such-tool", "-x");
    assertEquals(127, missing.get("exitCode").asInt(), missing.toString());
    assertTrue(
        missing
            .path("error")
            .asText()
            .startsWith("command 'no-such-tool' not found in image default"),
        missing.toString());
    for (String field : List.of("exitCode", "stdout", "stderr", "error", "timedOut")) {
      assertEquals(coldMissing.get(field), missing.get(field), field);
    }
    TaskReply gearman = s.run("missing_v0.0", "-x");
    TaskReply coldGearman = cold(mode, "missing_v0.0", "-x");
    assertEquals(127, gearman.exit());
    assertTrue(
        gearman.stderror().contains("command 'no-such-tool' not found in image default"),
        gearman.stderror());
    assertEquals(
        List.of(coldGearman.exit(), coldGearman.stdout(), coldGearman.stderror()),
        List.of(gearman.exit(), gearman.stdout(), gearman.stderror()));
    assertEquals(waiting, s.settled(), "no warm container taken or discarded");
    String after = s.metrics();
    assertEquals(0.0, delta(before, after, "mrt_warm_hits_total{function=\"api\"}"));
    assertEquals(
        0.0,
        delta(before, after, "mrt_warm_misses_total{function=\"missing_v0.0\"}")
            + delta(before, after, "mrt_warm_hits_total{function=\"missing_v0.0\"}"));
    JsonNode next = s.job("default", "true");
    assertEquals(0, next.get("exitCode").asInt(), next.toString());
    assertEquals(1.0, delta(after, s.metrics(), "mrt_warm_hits_total{function=\"api\"}"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testCommandThatCannotExec_failsAsCold(Mode mode) throws IOException {
    // On a bind mount, so mrt does not look for it in the image: the exec itself fails.
    TaskReply cold = cold(mode, "noexec_v0.0", "x");
    TaskReply warm = warm(mode, "noexec_v0.0", "x");
    assertTrue(cold.exit() != 0, cold.stderror());
    assertTrue(cold.stderror().contains("did not start"), cold.stderror());
    assertEquals(
        List.of(
            cold.exit(),
            cold.stdout(),
            cold.stderror().replace(cold(mode).shared().toString(), "SHARED")),
        List.of(
            warm.exit(),
            warm.stdout(),
            warm.stderror().replace(shared(mode).shared().toString(), "SHARED")));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testSigterm_drainsWithWarmContainersWaitingAndLeavesNothing(Mode mode) throws Exception {
    try (Server s = Server.start(mode, "drain", "")) {
      assertEquals(0, s.run(false, "drain_v0.0", "-c true").exit());
      s.awaitContainers(WARM);
      List<ProcessHandle> helpers = helpersUnder(s.process());
      assertEquals(WARM, helpers.size(), "waiting helpers: " + helpers);
      try (McpServerClient c = new McpServerClient(s.gearmand().address(), WAIT)) {
        var job =
            c.submit(
                "drain_v0.0",
                McpServerClient.Wire.JSON,
                McpServerClient.tasks("-c \"sleep 3; echo drained\""));
        ServeProcess.awaitCondition(
            "the task to run", WAIT, () -> pidOf(List.of("sleep", "3")).isPresent());
        s.process().terminate();
        TaskReply r = c.await(job).only();
        assertEquals(0, r.exit(), r.stderror());
        assertEquals("drained\n", r.stdout());
      }
      assertEquals(0, s.process().awaitExit(WAIT), s.process().log());
      assertEquals(List.of(), s.cli().leftoverBundles(), "bundles left");
      assertEquals(List.of(), s.cli().leftoverContainers(), "runc containers left");
      for (String dir : List.of("bundles", "runc")) {
        Path p = s.cli().stateDir().resolve(dir);
        if (Files.isDirectory(p)) {
          try (Stream<Path> left = Files.walk(p)) {
            assertEquals(List.of(p), left.toList(), "left under " + p);
          }
        }
      }
      List<ProcessHandle> alive = helpers.stream().filter(ProcessHandle::isAlive).toList();
      assertEquals(List.of(), alive, "helpers still waiting");
      assertEquals(Optional.empty(), pidOf(List.of("sleep", "3")));
    }
  }

  /** The helper processes (waiting warm containers) started by this serve. */
  private static List<ProcessHandle> helpersUnder(ServeProcess serve) {
    ProcessHandle jvm = ProcessHandle.of(serve.javaPid()).orElseThrow();
    return jvm.descendants().filter(h -> cmdline(h.pid()).equals(List.of(HELPER))).toList();
  }

  /** The one process whose argv is exactly {@code argv}, if any. */
  private static Optional<Long> pidOf(List<String> argv) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      List<Long> pids =
          procs
              .map(p -> p.getFileName().toString())
              .filter(n -> n.chars().allMatch(Character::isDigit))
              .map(Long::parseLong)
              .filter(pid -> cmdline(pid).equals(argv))
              .toList();
      assertTrue(pids.size() <= 1, "more than one " + argv + ": " + pids);
      return pids.stream().findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> cmdline(long pid) {
    try {
      String s =
          Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
      return s.isEmpty() ? List.of() : List.of(s.split("\0"));
    } catch (IOException gone) {
      return List.of();
    }
  }

  /** How much a series rose between two scrapes; an absent series counts as 0. */
  private static double delta(String before, String after, String series) {
    return value(after, series) - value(before, series);
  }

  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
