package dev.mrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard against a stand-in runc that lists containers and records what it is told. */
class OrphanGuardTest {
  @TempDir Path dir;

  private Runc stubRunc() throws IOException {
    Path binary = dir.resolve("runc");
    Path calls = dir.resolve("calls");
    Files.writeString(binary, "#!/bin/sh\nshift 2\necho \"$*\" >> " + calls + "\nexit 0\n");
    Files.setAttribute(binary, "unix:mode", 0755);
    return new Runc(binary, dir.resolve("state"));
  }

  @Test
  void testClose_deletesOnlyThisProcessesContainersAndTheirBundles() throws Exception {
    Runc runc = stubRunc();
    Path bundles = Files.createDirectories(dir.resolve("bundles"));
    Files.createDirectories(bundles.resolve("mrt-7-aa"));
    Files.createDirectories(bundles.resolve("mrt-77-bb"));
    // runc's state: one directory per container, ours, a sibling's of another pid, another's.
    for (String id : List.of("mrt-7-aa", "mrt-77-bb", "other")) {
      Files.createDirectories(runc.stateRoot().resolve(id));
    }
    // A helper the bundle started (pasta), killed with it.
    Process helper = new ProcessBuilder("sleep", "60").start();
    Files.writeString(bundles.resolve("mrt-7-aa/pasta.pid"), helper.pid() + "\n");

    OrphanGuard guard = OrphanGuard.start(runc, "mrt-7-", bundles);
    assertTrue(guard.alive());
    assertFalse(Files.exists(dir.resolve("calls")), "the guard acts only once mrt is gone");
    guard.close();
    assertFalse(guard.alive(), "close waits for the guard's cleanup");

    assertEquals(
        List.of("kill mrt-7-aa KILL", "delete --force mrt-7-aa"),
        Files.readAllLines(dir.resolve("calls")));
    assertFalse(Files.exists(bundles.resolve("mrt-7-aa")));
    assertTrue(Files.exists(bundles.resolve("mrt-77-bb")), "another process's bundle is kept");
    assertTrue(helper.waitFor(5, TimeUnit.SECONDS), "the bundle's helper was not killed");
  }

  @Test
  void testGuard_ignoresTheSignalsATerminalSends() throws Exception {
    OrphanGuard guard =
        OrphanGuard.start(stubRunc(), "mrt-7-", Files.createDirectories(dir.resolve("bundles")));
    // What Ctrl-C sends the whole foreground group: the guard must outlive it to clean up.
    new ProcessBuilder("kill", "-INT", Long.toString(guard.pid())).start().waitFor();
    Thread.sleep(200);
    assertTrue(guard.alive());
    guard.close();
    waitUntil(() -> !guard.alive());
  }

  private static void waitUntil(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
