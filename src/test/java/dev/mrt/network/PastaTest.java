package dev.mrt.network;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PastaTest {

  @Test
  void testIsPastaExecutable_whatPastaRunsAsOnDebian() {
    // What ProcessHandle reports for a running pasta on an AVX2 machine.
    assertTrue(Pasta.isPastaExecutable("/usr/bin/passt.avx2"));
    assertTrue(Pasta.isPastaExecutable("/usr/bin/passt"));
    assertTrue(Pasta.isPastaExecutable("/usr/bin/pasta"));
    assertTrue(Pasta.isPastaExecutable("/opt/x/pasta.avx2"));
  }

  @Test
  void testIsPastaExecutable_notAnotherProcessWithThatPid() {
    assertFalse(Pasta.isPastaExecutable("/usr/bin/sleep"));
    assertFalse(Pasta.isPastaExecutable("/usr/bin/pastamaker"));
    assertFalse(Pasta.isPastaExecutable("/usr/bin/passt.avx2.bak"));
  }

  /** A process that looks as pasta does in ps: argv[0] pasta, then "-P PIDFILE". */
  private static Process fakePasta(Path pidFile) throws Exception {
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "exec -a /usr/bin/pasta /usr/bin/python3 -c"
                    + " 'import time; time.sleep(60)' -P "
                    + pidFile)
            .start();
    for (int i = 0;
        i < 100
            && !Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
                .startsWith("/usr/bin/pasta");
        i++) {
      Thread.sleep(20);
    }
    return p;
  }

  @Test
  void testStop_endsThePastaOfThisPidFile(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve(Pasta.PID_FILE);
    Process p = fakePasta(pidFile);
    Files.writeString(pidFile, p.pid() + "\n");
    Pasta.stop(pidFile);
    assertTrue(p.waitFor(5, TimeUnit.SECONDS), "pasta still running");
  }

  @Test
  void testStop_leavesAProcessOfAnotherPidFileAlone(@TempDir Path dir) throws Exception {
    Process p = fakePasta(dir.resolve("other.pid"));
    try {
      Path pidFile = dir.resolve(Pasta.PID_FILE);
      Files.writeString(pidFile, Long.toString(p.pid()));
      Pasta.stop(pidFile);
      assertFalse(p.waitFor(300, TimeUnit.MILLISECONDS), "a process not ours was killed");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void testStop_noPidFileIsNothingToDo(@TempDir Path dir) throws Exception {
    Pasta.stop(dir.resolve(Pasta.PID_FILE));
  }
}
