package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt.it.MrtCli.Mode;
import dev.mrt.it.MrtCli.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** `mrt run` end to end with real runc containers from the embedded default image. */
class RunIT {

  private static MrtCli cli(Mode mode) {
    return MrtCli.shared(mode);
  }

  private static void assertClean(MrtCli cli) {
    assertEquals(List.of(), cli.leftoverBundles(), "bundle directories left behind");
    assertEquals(List.of(), cli.leftoverContainers(), "containers left behind");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_pythonFromDefaultImage(Mode mode) {
    MrtCli cli = cli(mode);
    Result r =
        cli.run(
            "run",
            "--",
            "python3",
            "-c",
            "import sys, os; print(sys.version_info[:2], os.getuid())");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("(3, 11) 0\n", r.stdout(), r.toString());
    assertClean(cli);
  }

  /**
   * The default rootfs as its first use unpacked it (through the helper's libarchive): setuid and
   * setgid bits kept in both modes, the image's groups rootful; rootless the user owns everything,
   * root inside the container.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_defaultImageKeepsModesAndOwners(Mode mode) {
    MrtCli cli = cli(mode);
    Result r =
        cli.run(
            "run",
            "--",
            "stat",
            "-c",
            "%a %g %n",
            "/usr/bin/su",
            "/usr/sbin/unix_chkpwd",
            "/var/local");
    assertEquals(0, r.exit(), r.toString());
    boolean rootful = mode == Mode.ROOTFUL;
    assertEquals(
        String.format(
            "4755 0 /usr/bin/su%n2755 %d /usr/sbin/unix_chkpwd%n2775 %d /var/local%n",
            rootful ? 42 : 0, rootful ? 50 : 0),
        r.stdout(),
        r.toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_exitStatusPassesThrough(Mode mode) {
    MrtCli cli = cli(mode);
    assertEquals(7, cli.run("run", "--", "sh", "-c", "exit 7").exit());
    // PID 1 ignores even SIGKILL from inside its namespace, so a child does the dying.
    Result killed = cli.run("run", "--", "sh", "-c", "sh -c 'kill -9 $$'");
    assertEquals(137, killed.exit(), killed.toString());
    assertClean(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_environmentAndWorkdir(Mode mode) {
    MrtCli cli = cli(mode);
    Result r =
        cli.run(
            "run",
            "-e",
            "GREETING=hello world",
            "-w",
            "/usr",
            "--hostname",
            "box",
            "--",
            "sh",
            "-c",
            "echo \"$GREETING|$(pwd)|$(hostname)|$HOME\"");
    assertEquals("hello world|/usr|box|/root\n", r.stdout(), r.toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_stdoutAndStderrSeparate(Mode mode) {
    Result r = cli(mode).run("run", "--", "sh", "-c", "echo out; echo err >&2");
    assertEquals("out\n", r.stdout());
    assertTrue(r.stderr().contains("err\n"), r.toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_stdinOnlyWithInteractive(Mode mode) throws Exception {
    MrtCli cli = cli(mode);
    Process p = cli.start("run", "-i", "--", "sh", "-c", "tr a-z A-Z");
    p.getOutputStream().write("shout\n".getBytes());
    p.getOutputStream().close();
    assertEquals("SHOUT\n", new String(p.getInputStream().readAllBytes()));
    assertEquals(0, p.waitFor());
    // Without -i the command reads end-of-file at once rather than hanging.
    Result r = cli.run(Duration.ofSeconds(60), "run", "--", "cat");
    assertEquals(0, r.exit(), r.toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_rootFilesystemIsReadOnly(Mode mode) {
    MrtCli cli = cli(mode);
    Result r = cli.run("run", "--", "sh", "-c", "touch /etc/x");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("Read-only file system"), r.toString());
    Result tmp = cli.run("run", "--", "sh", "-c", "echo ok > /tmp/x && cat /tmp/x");
    assertEquals("ok\n", tmp.stdout(), tmp.toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_tmpIsBoundedBySize(Mode mode) {
    Result r;
    try {
      r =
          cli(mode)
              .withEnv("MRT_CONTAINER_TMP_SIZE", "8M")
              .run(
                  "run",
                  "--",
                  "sh",
                  "-c",
                  "dd if=/dev/zero of=/tmp/fill bs=1M count=20 2>&1; df -k /tmp | tail -1");
    } finally {
      cli(mode).withoutEnv("MRT_CONTAINER_TMP_SIZE");
    }
    // The 9th MiB fails with ENOSPC: the job's scratch space never takes the host's memory.
    assertTrue(r.stdout().contains("No space left on device"), r.toString());
    assertTrue(r.stdout().matches("(?s).*\\s8192\\s.*"), r.toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_seccompFiltersByDefault(Mode mode) {
    MrtCli cli = cli(mode);
    Result r =
        cli.run(
            "run",
            "--",
            "sh",
            "-c",
            "grep Seccomp: /proc/self/status; unshare -U true; echo unshare=$?;"
                + " test -d /run/mrt-handoff/seccomp && echo helper;"
                + " tr '\\0' ' ' </proc/1/cmdline; echo; env | grep -c MRT_");
    assertTrue(r.stdout().contains("Seccomp:\t2"), r.toString());
    // The filter, compiled once, was loaded by mrt's helper, which left no trace in the job: it
    // is the container's process (pid 1) with its own argv, and none of the helper's variables.
    assertTrue(r.stdout().contains("\nhelper\nsh -c grep Seccomp:"), r.toString());
    assertTrue(r.stdout().endsWith("\n0\n"), r.toString());
    // No namespaces of a job's own: they would hand it a full capability set.
    assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
    assertTrue(r.stdout().contains("unshare=1"), r.toString());
    Result off;
    try {
      off =
          cli.withEnv("MRT_CONTAINER_SECCOMP", "unconfined")
              .run("run", "--", "grep", "Seccomp:", "/proc/self/status");
    } finally {
      cli.withoutEnv("MRT_CONTAINER_SECCOMP");
    }
    assertEquals("Seccomp:\t0\n", off.stdout(), off.toString());

    // Per run: --seccomp wins over mrt.container.seccomp, both ways.
    Result perRun =
        cli.run("run", "--seccomp", "unconfined", "--", "grep", "Seccomp:", "/proc/self/status");
    assertEquals("Seccomp:\t0\n", perRun.stdout(), perRun.toString());
    Result missing = cli.run("run", "--seccomp", "/nonexistent/profile.json", "--", "true");
    assertEquals(125, missing.exit(), missing.toString());
    assertEquals(
        "mrt: cannot read seccomp profile /nonexistent/profile.json"
            + " (/nonexistent/profile.json: no such file or directory); give a docker/podman"
            + " seccomp.json, or default or unconfined\n",
        missing.messages());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_bindMounts(Mode mode) throws Exception {
    MrtCli cli = cli(mode);
    Path data = cli.mkdirOwned(cli.home().resolve("data-" + System.nanoTime()));
    Files.writeString(data.resolve("in.txt"), "from host\n");
    Result ro =
        cli.run(
            "run",
            "-v",
            data + ":/data:ro",
            "--",
            "sh",
            "-c",
            "cat /data/in.txt; echo x > /data/new");
    assertTrue(ro.stdout().contains("from host"), ro.toString());
    assertTrue(ro.stderr().contains("Read-only file system"), ro.toString());
    assertFalse(Files.exists(data.resolve("new")));

    Result rw = cli.run("run", "-v", data + ":/data", "--", "sh", "-c", "echo made > /data/new");
    assertEquals(0, rw.exit(), rw.toString());
    assertEquals("made\n", Files.readString(data.resolve("new")));

    // A command that lives on the mount, not in the image, runs.
    Path tool = data.resolve("tool.sh");
    Files.writeString(tool, "#!/bin/sh\necho tool ran\n");
    Files.setAttribute(tool, "unix:mode", 0755);
    Result onMount = cli.run("run", "-v", data + ":/probe:ro", "--", "/probe/tool.sh");
    assertEquals(0, onMount.exit(), onMount.toString());
    assertEquals("tool ran\n", onMount.stdout());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_timeoutKills(Mode mode) {
    MrtCli cli = cli(mode);
    long start = System.nanoTime();
    Result r = cli.run("run", "--timeout", "1s", "--", "sleep", "60");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertEquals(124, r.exit(), r.toString());
    assertTrue(
        r.stderr().contains("mrt: timed out after 1s; the container was killed"), r.toString());
    assertTrue(seconds < 30, "took " + seconds + "s");
    assertClean(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_limitsApplyOrFailClearly(Mode mode) {
    MrtCli cli = cli(mode);
    boolean cgroupV2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
    // Twenty background sleeps cannot fit under eight processes: the shell fails to fork.
    // Rootless too, cgroups or not: the cap is RLIMIT_NPROC in the job's user namespace.
    Result pids =
        cli.run(
            "run",
            "--pids-limit",
            "8",
            "--",
            "sh",
            "-c",
            "for i in $(seq 20); do sleep 3 & done; echo all-forked");
    assertEquals(2, pids.exit(), pids.toString());
    assertTrue(pids.stderr().contains("Cannot fork"), pids.toString());
    assertFalse(pids.stdout().contains("all-forked"), pids.toString());
    if (mode == Mode.ROOTLESS) {
      assumeTrue(!cgroupV2, "rootless limits need a delegated cgroup v2 tree, not set up here");
      Result r = cli.run("run", "--memory", "64M", "--", "true");
      assertEquals(125, r.exit(), r.toString());
      assertTrue(r.stderr().contains("need root or cgroup v2 with delegation"), r.toString());
      assertClean(cli);
      return;
    }
    // 256 MiB cannot be had under 32 MiB: the kernel's OOM killer ends it (SIGKILL, 137).
    Result memory =
        cli.run(
            "run",
            "--memory",
            "32M",
            "--",
            "python3",
            "-c",
            "b = bytearray(256 << 20); print('allocated')");
    assertEquals(137, memory.exit(), memory.toString());
    // The configured default applies when the command line sets none.
    Result configured;
    try {
      configured =
          cli.withEnv("MRT_CONTAINER_PIDS_LIMIT", "8")
              .run("run", "--", "sh", "-c", "for i in $(seq 20); do sleep 3 & done");
    } finally {
      cli.withoutEnv("MRT_CONTAINER_PIDS_LIMIT");
    }
    assertEquals(2, configured.exit(), configured.toString());
    // Within its limits a job runs as ever.
    Result fine =
        cli.run(
            "run",
            "--memory",
            "64M",
            "--cpus",
            "0.5",
            "--pids-limit",
            "64",
            "--",
            "python3",
            "-c",
            "print('ok')");
    assertEquals("ok\n", fine.stdout(), fine.toString());
    assertClean(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_networkNoneHasOnlyLoopback(Mode mode) {
    Result r =
        cli(mode)
            .run(
                "run",
                "--network",
                "none",
                "--",
                "sh",
                "-c",
                "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '");
    assertEquals("lo\n", r.stdout(), r.toString());
  }

  /** Which of these host loopback ports a job reaches, as "PORT open" / "PORT closed" lines. */
  static final String PORT_PROBE =
      "import socket,sys\n"
          + "for p in sys.argv[1:]:\n"
          + "  try:\n"
          + "    socket.create_connection(('127.0.0.1', int(p)), 3).close(); print(p, 'open')\n"
          + "  except OSError:\n"
          + "    print(p, 'closed')\n";

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_defaultNetworkIsPrivate_hostLoopbackUnreachable(Mode mode) throws Exception {
    try (ServerSocket host = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(host.getLocalPort());
      long pastas = pastaCount();
      Result r =
          cli(mode)
              .run(
                  "run",
                  "--",
                  "sh",
                  "-c",
                  "python3 -c \"$0\" "
                      + port
                      + "; grep -c . /proc/net/route; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
                      + " | sort | tr '\\n' ' '",
                  PORT_PROBE);
      assertEquals(0, r.exit(), r.toString());
      String[] lines = r.stdout().split("\n");
      assertEquals(port + " closed", lines[0], r.toString());
      // A link of its own with a route out: outbound goes through pasta.
      assertTrue(Integer.parseInt(lines[1]) >= 2, "no route in the private network: " + r);
      assertEquals(2, lines[2].trim().split(" ").length, "loopback and pasta's link: " + r);
      // The host's network, asked for, reaches the host's loopback.
      Result shared =
          cli(mode).run("run", "--network", "host", "--", "python3", "-c", PORT_PROBE, port);
      assertEquals(port + " open\n", shared.stdout(), shared.toString());
      // pasta ends with its container.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (pastaCount() > pastas && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(pastas, pastaCount(), "pasta outlived its container");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_networkEndpointsReachOnlyThose(Mode mode) throws Exception {
    try (ServerSocket given = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String a = Integer.toString(given.getLocalPort());
      String b = Integer.toString(other.getLocalPort());
      Result r =
          cli(mode)
              .run("run", "--network", "127.0.0.1:" + a, "--", "python3", "-c", PORT_PROBE, a, b);
      assertEquals(a + " open\n" + b + " closed\n", r.stdout(), r.toString());
    }
  }

  private static long pastaCount() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").endsWith("/pasta"))
        .count();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_commandNotInImage(Mode mode) {
    MrtCli cli = cli(mode);
    Result r = cli.run("run", "--", "no-such-tool", "-x");
    assertEquals(127, r.exit(), r.toString());
    assertEquals(
        "mrt: command 'no-such-tool' not found in image default "
            + "(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin); "
            + "give its full path or use an image that has it\n",
        r.messages());
    assertClean(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testSpec_printsWhatRunUses(Mode mode) {
    Result r = cli(mode).run("spec", "-e", "A=1", "--", "python3", "-V");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("\"args\" : [ \"python3\", \"-V\" ]"), r.stdout());
    assertTrue(r.stdout().contains("\"A=1\""), r.stdout());
    assertEquals(mode == Mode.ROOTLESS, r.stdout().contains("\"uidMappings\""), r.stdout());
    // Bounded by default: 4096 processes, through cgroups rootful and RLIMIT_NPROC rootless.
    String pids = r.stdout().replaceAll("\\s+", "");
    assertTrue(
        mode == Mode.ROOTLESS
            ? pids.contains("{\"type\":\"RLIMIT_NPROC\",\"hard\":4096,\"soft\":4096}")
            : pids.contains("\"pids\":{\"limit\":4096}"),
        r.stdout());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_readsSettingsAndLogsAsServeDoes(Mode mode) {
    // run and the other plain subcommands start without Quarkus (PlainCli): their settings come
    // from the same places and their log lines look the same. A fresh cache, so it logs.
    MrtCli cli = MrtCli.fresh("settings", mode, "run");
    Path dir = cli.mkdirOwned(cli.home().resolve("work"));
    MrtCli.readableFile(
        dir.resolve("config/application.properties"),
        "mrt.container.hostname=from-file\n# serve's, known to the mapping: not an error\nmrt.pool.size=3\n");
    Result r =
        cli.inDirectory(dir)
            .withEnv("MRT_CONTAINER_TMP_SIZE", "7M")
            .run(
                "run",
                "--",
                "sh",
                "-c",
                "cat /proc/sys/kernel/hostname; grep ' /tmp ' /proc/mounts");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().startsWith("from-file\n"), r.toString());
    assertTrue(r.stdout().contains("size=7168k"), r.toString());
    assertTrue(
        r.stderr()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[EmbeddedAssets\\] unpacked .*rootfs.*")),
        r.toString());
    Result v = cli.run("--version");
    assertEquals(0, v.exit(), v.toString());
    assertTrue(v.stdout().matches("mrt \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), v.toString());
    assertClean(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testDoctor_passesOnThisHost(Mode mode) {
    Result r = cli(mode).run("doctor");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("[ ok ] container:"), r.stdout());
    // It says what holds a job here, and never claims what is not applied.
    assertTrue(
        r.stdout()
            .contains(
                mode == Mode.ROOTLESS
                    ? "[ ok ] isolation: processes: 4096 (RLIMIT_NPROC)"
                    : "[ ok ] isolation: processes: 4096 (pids cgroup)"),
        r.stdout());
    assertTrue(
        r.stdout().contains("[ ok ] isolation: seccomp: podman's default profile"), r.stdout());
    assertTrue(
        r.stdout()
            .contains(
                "[ ok ] isolation: network: a namespace of its own per"
                    + " container unless set to host"),
        r.stdout());
  }
}
