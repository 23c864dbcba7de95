package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.mrt.image.tar.TarFixture;
import dev.mrt.runtime.JobHandOff;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's mrt-handoff for the other architecture (arm64 on an amd64 host, and back), run under
 * qemu-user: this machine has no CPU of that kind, and the binary would otherwise ship untried. It
 * must compile its architecture's default seccomp profile and keep the hand-off protocol: argv,
 * environment, working directory and exit status exact, the not-started line with its nonce, exit 0
 * at end of input. (Loading a filter is not tried: qemu-user would apply it to the host's
 * syscalls.) prepare-host.sh installs qemu-user-static, so CI runs it; elsewhere it needs
 * qemu-{aarch64,x86_64}-static on PATH.
 */
class HandoffOtherArchIT {
  private static final boolean ARM64_HOST = System.getProperty("os.arch").equals("aarch64");
  private static final String OTHER = ARM64_HOST ? "amd64" : "arm64";
  private static final Path QEMU =
      Path.of(ARM64_HOST ? "/usr/bin/qemu-x86_64-static" : "/usr/bin/qemu-aarch64-static");

  @TempDir Path dir;
  private Path helper;

  @BeforeEach
  void unpack() throws IOException {
    assumeTrue(
        Files.isExecutable(QEMU) || System.getenv("CI") != null,
        QEMU + " is missing: run src/test/sh/prepare-host.sh");
    assertTrue(Files.isExecutable(QEMU), QEMU + " is missing: prepare-host.sh installs it");
    helper = dir.resolve("mrt-handoff");
    String asset = "assets/" + OTHER + "/mrt-handoff.zst";
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(asset)) {
      assertTrue(in != null, asset + " is not in the jar");
      try (InputStream plain = new ZstdInputStream(in)) {
        Files.copy(plain, helper);
      }
    }
    Files.setAttribute(helper, "unix:mode", 0755);
  }

  private record Ran(int status, String stdout, String stderr) {}

  private Ran run(byte[] stdin, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(QEMU.toString(), helper.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .redirectOutput(dir.resolve("out").toFile())
            .redirectError(dir.resolve("err").toFile());
    pb.environment().put("MRT_HANDOFF_NONCE", "n0nce");
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the helper did not end");
    return new Ran(
        p.exitValue(),
        Files.readString(dir.resolve("out"), StandardCharsets.ISO_8859_1),
        Files.readString(dir.resolve("err")));
  }

  @Test
  void testCompileSeccomp_itsArchitecturesDefaultProfile() throws Exception {
    String rules =
        SeccompRules.of(SeccompProfile.defaultFor(OTHER, DefaultSpec.CAPABILITIES)).orElseThrow();
    Ran r = run(rules.getBytes(StandardCharsets.UTF_8), "--compile-seccomp");
    assertEquals(0, r.status(), r.stderr());
    int bytes = r.stdout().length();
    // cBPF: 8-byte instructions; hundreds of them for ~400 names (the kernel allows 4096).
    assertTrue(bytes % 8 == 0 && bytes / 8 > 100 && bytes / 8 <= 4096, bytes + " bytes");
  }

  @Test
  void testHandOff_execsTheJobWithItsArgvEnvCwdAndStatus() throws Exception {
    Path cwd = Files.createDirectory(dir.resolve("work"));
    JobHandOff h =
        new JobHandOff(
            cwd.toString(),
            List.of("sh", "-c", "echo \"$PWD|$X|$0|$MRT_HANDOFF_NONCE\"; exit 7", "zero"),
            List.of("PATH=/usr/bin:/bin", "X=a b"));
    Ran r = run(h.encode());
    assertEquals(7, r.status(), r.stderr());
    assertEquals(JobHandOff.READY + cwd + "|a b|zero|\n", r.stdout());
  }

  @Test
  void testHandOff_missingCommandIsReportedAsNotStarted() throws Exception {
    Ran r = run(new JobHandOff("/", List.of("no-such-command"), List.of("PATH=/bin")).encode());
    assertEquals(127, r.status(), r.stderr());
    String expected =
        JobHandOff.READY
            + WarmSpec.notStartedMarker("n0nce")
            + "executable file not found in $PATH: no-such-command";
    assertTrue(r.stdout().startsWith(expected), r.stdout());
  }

  @Test
  void testHandOff_endOfInputBeforeAHandOffExitsZero() throws Exception {
    Ran r = run(new byte[0]);
    assertEquals(0, r.status(), r.stderr());
    assertEquals(JobHandOff.READY, r.stdout());
  }

  @Test
  void testUnpack_writesTheTarAndReportsWhatItDid() throws Exception {
    Path root = Files.createDirectory(dir.resolve("root"));
    byte[] tar =
        new TarFixture()
            .dir("./etc", 0755)
            .file("./etc/hostname", 0644, "mrt")
            .ownedFile("./etc/shadow", 0640, 0, 42)
            .symlink("./bin", "usr/bin")
            .tar();
    Ran r = run(TarFixture.zstdWithChecksum(tar), "--unpack", "--zstd", root.toString());
    assertEquals(0, r.status(), r.stderr());
    assertEquals("owner\t0\t42\t./etc/shadow\0done\t4\t3\t0\0", r.stdout());
    assertEquals("mrt", Files.readString(root.resolve("etc/hostname")));
    assertEquals(Path.of("usr/bin"), Files.readSymbolicLink(root.resolve("bin")));
  }
}
