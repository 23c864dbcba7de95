package dev.mrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuncLogTest {
  @TempDir Path dir;

  private static final String ERROR =
      "runc run failed: unable to start container process: exec: \"x\": not found";

  @Test
  void testLastError_runcWritesEntriesBackToBack() throws IOException {
    Path log = dir.resolve("runc.log");
    Files.writeString(
        log,
        "{\"level\":\"warning\",\"msg\":\"w\"}{\"level\":\"error\",\"msg\":\""
            + ERROR.replace("\"", "\\\"")
            + "\",\"time\":\"t\"}");
    assertEquals(Optional.of(ERROR), RuncLog.lastError(log));
  }

  @Test
  void testFailure_namesTheCauseBeforeWhatRuncGaveUpOn() throws IOException {
    Path log = dir.resolve("runc.log");
    Files.writeString(
        log,
        "{\"level\":\"fatal\",\"msg\":\"nsexec-1[7]: failed to unshare "
            + "user namespace: No space left on device\"}\n{\"level\":\"error\",\"msg\":\"runc run "
            + "failed: can't get final child's PID from pipe: EOF\"}\n");
    assertEquals(
        Optional.of(
            "nsexec-1[7]: failed to unshare user namespace: No space left on "
                + "device (runc run failed: can't get final child's PID from pipe: EOF)"),
        RuncLog.failure(log));
  }

  @Test
  void testLastError_noLogMeansNoError() {
    assertEquals(Optional.empty(), RuncLog.lastError(dir.resolve("missing.log")));
  }

  @Test
  void testLastError_warningsOnlyAreNoError() throws IOException {
    Path log = dir.resolve("runc.log");
    Files.writeString(log, "{\"level\":\"warning\",\"msg\":\"cgroup\"}\n");
    assertEquals(Optional.empty(), RuncLog.lastError(log));
  }

  @Test
  void testFilter_passesOutputWhileRuncIsHappy() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (RuncErrorFilter f = new RuncErrorFilter(sink, dir.resolve("runc.log"))) {
      f.write("partial line without newline".getBytes(StandardCharsets.UTF_8));
      assertEquals("partial line without newline", sink.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void testFilter_dropsRuncsOwnErrorLine() throws IOException {
    Path log = dir.resolve("runc.log");
    Files.writeString(
        log, "{\"level\":\"error\",\"msg\":\"" + ERROR.replace("\"", "\\\"") + "\"}\n");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    RuncErrorFilter f = new RuncErrorFilter(sink, log);
    f.write(("other\n" + ERROR + "\n").getBytes(StandardCharsets.UTF_8));
    f.close();
    assertEquals("other\n", sink.toString(StandardCharsets.UTF_8));
  }
}
