package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt.it.MrtCli.Mode;
import dev.mrt.it.MrtCli.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Crashes, concurrency and a hostile host: mrt cleans up and never half-builds its cache. */
class CleanupIT {

  private static MrtCli fresh(Mode mode, String name) {
    return MrtCli.fresh("cleanup", mode, name);
  }

  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_killNineOfMrtEndsItsContainerWithinTwoSeconds(Mode mode) throws Exception {
    MrtCli cli = fresh(mode, "kill9");
    String marker = "301." + mode.ordinal() + "7";
    Process victim =
        cli.start("run", "--", "sh", "-c", "sleep " + marker + " & sleep " + marker + "; wait");
    waitFor("the job to run", () -> processesRunning("sleep", marker).size() == 2);
    long javaPid = javaPidOf(cli);

    ProcessHandle.of(javaPid).orElseThrow().destroyForcibly();
    long killed = System.nanoTime();
    waitFor("the job and its child to end", () -> processesRunning("sleep", marker).isEmpty());
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    assertTrue(tookMs < 2000, "the job outlived mrt by " + tookMs + " ms");
    victim.waitFor(30, TimeUnit.SECONDS);
    waitFor(
        "its container and bundle to be removed",
        () -> cli.leftoverContainers().isEmpty() && cli.leftoverBundles().isEmpty());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_removesWhatACrashedProcessLeft(Mode mode) throws Exception {
    MrtCli cli = fresh(mode, "crash");
    Process victim = cli.start("run", "--", "sleep", "300");
    waitFor(
        "the container to run",
        () -> !cli.leftoverContainers().isEmpty() && !cli.leftoverBundles().isEmpty());
    String id = cli.leftoverBundles().get(0);
    long javaPid = Long.parseLong(id.split("-")[1]);
    // A crash that takes the orphan guard too (the OOM killer, a whole process group killed):
    // what is left must go at the next start.
    ProcessHandle java = ProcessHandle.of(javaPid).orElseThrow();
    java.children()
        .filter(c -> c.info().commandLine().orElse("").contains("mrt-orphan-guard"))
        .forEach(ProcessHandle::destroyForcibly);
    java.destroyForcibly();
    victim.waitFor(30, TimeUnit.SECONDS);
    assertEquals(List.of(id), cli.leftoverBundles(), "the crash should leave its bundle");

    Result r = cli.run("run", "--", "true");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stderr().contains("removed container " + id), r.toString());
    assertEquals(List.of(), cli.leftoverBundles());
    assertEquals(List.of(), cli.leftoverContainers());
  }

  /** The pid of the JVM behind {@code cli}'s one running container. */
  private static long javaPidOf(MrtCli cli) throws InterruptedException {
    waitFor("a bundle", () -> !cli.leftoverBundles().isEmpty());
    return Long.parseLong(cli.leftoverBundles().get(0).split("-")[1]);
  }

  /** Host pids whose command line is exactly {@code argv}, read from /proc as ps does. */
  static List<Long> processesRunning(String... argv) {
    String wanted = String.join("\0", argv) + "\0";
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
              .equals(wanted)) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // Ended while we looked.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_leavesLiveProcessesContainersAlone(Mode mode) throws Exception {
    MrtCli cli = fresh(mode, "live");
    Process busy = cli.start("run", "--", "sleep", "20");
    waitFor("the container to run", () -> !cli.leftoverContainers().isEmpty());
    Result r = cli.run("run", "--", "true");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(busy.isAlive(), "a second mrt must not kill the first one's container");
    busy.destroy();
    busy.waitFor(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_concurrentFirstUseUnpacksOnce(Mode mode) throws Exception {
    MrtCli cli = fresh(mode, "concurrent");
    List<Process> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(cli.start("run", "--", "python3", "-c", "print('ok')"));
    }
    for (Process p : runs) {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), err);
      assertEquals("ok\n", out, err);
    }
    try (Stream<Path> s = Files.list(cli.cacheDir().resolve("rootfs"))) {
      assertEquals(1, s.filter(Files::isDirectory).count(), "one unpacked default rootfs");
    }
  }

  /**
   * A kernel that refuses user namespaces: rootless mrt inside a user namespace whose limit is
   * zero, made with unshare and the test user's subordinate ids.
   */
  @Test
  void testRun_userNamespacesRefused() throws Exception {
    MrtCli cli = fresh(Mode.ROOTLESS, "userns");
    assumeTrue(MrtCli.isRoot(), "needs root to enter the test user's subordinate ids");
    Path cache = cli.home().resolve("inner");
    List<String> inner = cli.command("run", "--", "true");
    // Drop the leading "runuser -u USER --": the command runs as uid 1 inside the namespace.
    inner =
        inner.subList(4, inner.size()).stream()
            .map(
                a ->
                    a.startsWith("MRT_CACHE_DIR=")
                        ? "MRT_CACHE_DIR=" + cache.resolve("cache")
                        : a.startsWith("MRT_STATE_DIR=")
                            ? "MRT_STATE_DIR=" + cache.resolve("state")
                            : a)
            .toList();
    String script =
        "echo 0 > /proc/sys/user/max_user_namespaces && mkdir -p "
            + cache
            + " && chown 1:1 "
            + cache
            + " && exec setpriv --reuid=1 --regid=1 --clear-groups "
            + String.join(
                " ", inner.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
    Process p =
        new ProcessBuilder(
                "runuser",
                "-u",
                MrtCli.TEST_USER,
                "--",
                "unshare",
                "--user",
                "--map-root-user",
                "--map-auto",
                "sh",
                "-c",
                script)
            .start();
    String err =
        MrtCli.withoutLogs(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(125, p.waitFor(), err);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("mrt: container did not start: "), err);
    assertTrue(err.contains("run `mrt doctor`"), err);
    try (Stream<Path> s = Files.list(cache.resolve("state/bundles"))) {
      assertEquals(0, s.count(), "bundle left behind");
    }
  }
}
