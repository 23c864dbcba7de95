package dev.mrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runc's control commands against stand-in runc binaries (shell scripts). */
class RuncTest {
  @TempDir Path dir;

  private Runc runc(String script) throws IOException {
    Path binary = dir.resolve("runc");
    Files.writeString(binary, "#!/bin/sh\n" + script + "\n");
    Files.setAttribute(binary, "unix:mode", 0755);
    return new Runc(binary, dir.resolve("state"), Duration.ofMillis(500));
  }

  @Test
  void testExec_answersAndToleratesAMissingContainer() throws IOException {
    assertEquals("runc version 9.9", runc("echo 'runc version 9.9'; echo commit: x").version());
    runc("echo 'container mrt-1 does not exist' >&2; exit 1").kill("mrt-1", "KILL");
    RuncCommandException e =
        assertThrows(
            RuncCommandException.class,
            () -> runc("echo 'permission denied' >&2; exit 1").kill("mrt-1", "KILL"));
    assertTrue(
        e.getMessage().endsWith("kill mrt-1 KILL failed (status 1): permission denied"),
        e.getMessage());
  }

  @Test
  void testExec_aHungRuncIsKilledAtTheDeadline() throws IOException {
    Runc hung = runc("echo starting; exec sleep 60");
    long start = System.nanoTime();
    RuncCommandException e = assertThrows(RuncCommandException.class, hung::version);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < 5_000, "took " + ms + " ms");
    assertTrue(
        e.getMessage()
            .contains("--version failed (status -1): no answer within 0.5s;" + " killed it"),
        e.getMessage());
  }

  @Test
  void testExec_aChildHoldingThePipeDoesNotHangTheCaller() throws IOException {
    // runc answers and exits, but something it started keeps the pipe open.
    Runc leaky = runc("sleep 60 & echo 'runc version 9.9'");
    long start = System.nanoTime();
    assertEquals("runc version 9.9", leaky.version());
    assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000);
  }

  @Test
  void testStateIds_areTheStateRootsDirectoriesWithoutStartingRunc() throws IOException {
    Runc runc = runc("echo started >> " + dir.resolve("calls") + "; exit 1");
    assertEquals(List.of(), runc.stateIds(), "no state root yet");
    Files.createDirectories(runc.stateRoot().resolve("mrt-2-b"));
    Files.createDirectories(runc.stateRoot().resolve("mrt-1-a"));
    Files.writeString(runc.stateRoot().resolve("stray-file"), "");
    assertEquals(List.of("mrt-1-a", "mrt-2-b"), runc.stateIds());
    assertTrue(Files.notExists(dir.resolve("calls")));
  }
}
