package dev.mrt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt.cli.MrtMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What deploy/bin/mrt does besides starting the JVM: the AOT cache it trains for pull. */
class LauncherIT {
  private static final Path APP = Path.of("target/quarkus-app").toAbsolutePath();
  private static final Pattern FEATURE = Pattern.compile("JAVA_VERSION=\"(\\d+)");

  @TempDir Path temp;

  @Test
  void pullsCacheIsTrainedOnAPullAndItsScratchCacheRemoved() throws Exception {
    Optional<Path> jdk = newestJdk();
    assumeTrue(
        jdk.isPresent(), "no JDK 25 or newer in /usr/lib/jvm: the launcher makes no AOT cache");
    Path cacheHome = Files.createDirectories(temp.resolve("xdg-cache"));
    Path tmp = Files.createDirectories(temp.resolve("tmp"));
    // Nothing listens on port 9: the pull fails, but its first run still starts the training.
    Host.Result pull =
        Host.run(launcher(cacheHome, List.of("TMPDIR=" + tmp), "pull", "127.0.0.1:9/nothing:1"));
    assertNotEquals(0, pull.exit(), pull.toString());

    Path aot = awaitFile(cacheHome.resolve("mrt-jvm"), ".aot");
    awaitEmpty(tmp);
    Host.Result listing =
        Host.run(
            jdk.get().resolve("bin/java").toString(),
            "-XX:+UseSerialGC",
            "-XX:AOTCache=" + aot,
            "-XX:+PrintSharedArchiveAndExit",
            "-jar",
            APP.resolve(MrtMain.PLAIN_JAR).toString());
    assertEquals(0, listing.exit(), listing.toString());
    // Trained on train-pull, not on the --version fall-back: the registry client is in it.
    for (String c : List.of("dev.mrt.image.registry.RegistryClient", "java.net.http.HttpClient")) {
      assertTrue(listing.output().contains(" " + c + " "), c + " is not in " + aot);
    }
  }

  /** A training JVM beside the command that asked for it took its CPU: it waits for its end. */
  @Test
  void theTrainingStartsOnlyOnceTheCommandHasEnded() throws Exception {
    assumeTrue(newestJdk().isPresent(), "no JDK 25 or newer: the launcher makes no AOT cache");
    Path cacheHome = Files.createDirectories(temp.resolve("xdg-cache"));
    Process run =
        new ProcessBuilder(
                launcher(cacheHome, List.of(), "run", "--network", "none", "--", "sleep", "3"))
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("run.log").toFile())
            .start();
    run.getOutputStream().close();
    Thread.sleep(2000);
    assertTrue(
        run.isAlive(), "the container ended early: " + Files.readString(temp.resolve("run.log")));
    String training = "AOTCacheOutput=" + cacheHome;
    assertFalse(
        ProcessHandle.allProcesses()
            .anyMatch(p -> p.info().commandLine().orElse("").contains(training)),
        "a training JVM runs beside the command");
    assertEquals(0, run.waitFor(), Files.readString(temp.resolve("run.log")));
    awaitFile(cacheHome.resolve("mrt-jvm"), ".aot");
  }

  @Test
  void pullsCompilerDirectivesParseAndStayOffStdout() throws Exception {
    Path directives = APP.resolve("jvm/pull-compiler-directives.json");
    // A file the JVM cannot parse stops it starting: every pull would fail.
    Host.Result parsed =
        Host.run(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:CompilerDirectivesFile=" + directives,
            "-version");
    assertEquals(0, parsed.exit(), parsed.toString());
    assertTrue(parsed.output().contains("2 compiler directives added"), parsed.toString());

    // stdout carries only the digest, for scripts: the JVM's line must not reach it.
    Process pull =
        new ProcessBuilder(launcher(NO_JVM_CACHE, List.of(), "pull", "127.0.0.1:9/nothing:1"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    pull.getOutputStream().close();
    String stdout = new String(pull.getInputStream().readAllBytes());
    assertNotEquals(0, pull.waitFor());
    assertEquals("", stdout);
  }

  @Test
  void aFirstUnpackCallsZstdThroughJniNotTheSlowerToStartFfm() throws Exception {
    assumeTrue(newestJdk().isPresent(), "no JDK 25 or newer for the launcher to pick");
    Path classes = temp.resolve("classes.log");
    // JAVA_TOOL_OPTIONS adds to the launcher's flags.
    Host.Result run =
        Host.run(
            launcher(
                NO_JVM_CACHE,
                List.of("JAVA_TOOL_OPTIONS=-Xlog:class+load=info:file=" + classes),
                "run",
                "--network",
                "none",
                "--",
                "true"));
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.output().contains("unpacked assets/"), "no first-use unpack: " + run);
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains("com.github.luben.zstd.ZstdInputStreamNoFinalizer "), loaded);
    assertFalse(loaded.contains("jdk.internal.foreign.abi.DowncallLinker "), "zstd-jni used FFM");
  }

  /**
   * The launcher starts a command from cli-run.jar exactly when MrtMain would run it without
   * Quarkus: a server command there would fail, a plain one from quarkus-run.jar be slower.
   */
  @Test
  void plainCommandsStartFromTheShortClassPathAndNoOthers() throws Exception {
    Path java = temp.resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> firstArgs =
        List.of(
            "serve",
            "run",
            "spec",
            "doctor",
            "pull",
            "images",
            "rmi",
            "gc",
            "train-pull",
            "--version",
            "-V",
            "--help",
            "nonsense");
    for (String first : firstArgs) {
      Host.Result r =
          Host.run(
              launcher(
                  NO_JVM_CACHE, List.of("JAVA=" + java, "MRT_JAVA_OPTS=-Dmrt.test=1"), first, "x"));
      assertEquals(0, r.exit(), r.toString());
      String jar = MrtMain.runsPlain(first, "x") ? MrtMain.PLAIN_JAR : "quarkus-run.jar";
      assertTrue(
          r.output().lines().anyMatch(l -> l.equals(APP.resolve(jar).toString())),
          first + " should start from " + jar + ": " + r);
    }
  }

  /**
   * Without MRT_APP_DIR the launcher finds the application from its own path, which it resolves
   * without a process unless it is a link: called by a link, by a relative path with "./" in it, or
   * by its absolute path, it starts the same jar by the same absolute path.
   */
  @Test
  void findsTheApplicationFromItsOwnPathHoweverItIsCalled() throws Exception {
    Path java = temp.resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path link = Files.createSymbolicLink(temp.resolve("mrt"), SystemdUnitIT.LAUNCHER);
    for (String launcher :
        List.of(
            link.toString(),
            // Host.run works in /.
            "./" + Path.of("/").relativize(SystemdUnitIT.LAUNCHER),
            SystemdUnitIT.LAUNCHER.toString())) {
      Host.Result r =
          Host.run(
              "env",
              "-u",
              "MRT_APP_DIR",
              "JAVA=" + java,
              "MRT_JAVA_OPTS=-Dmrt.test=1",
              launcher,
              "--version");
      assertEquals(0, r.exit(), r.toString());
      assertTrue(
          r.output().lines().anyMatch(l -> l.equals(APP.resolve(MrtMain.PLAIN_JAR).toString())),
          launcher + ": " + r);
    }
  }

  /** No JVM cache can be made under /proc: the launcher starts no training there. */
  private static final Path NO_JVM_CACHE = Path.of("/proc/mrt-none");

  /**
   * The launcher as a user runs it (through env), its image cache and state under the test's
   * directory, its JVM cache under {@code xdgCache}; {@code env} adds variables.
   */
  private String[] launcher(Path xdgCache, List<String> env, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "env",
                "HOME=" + temp,
                "XDG_CACHE_HOME=" + xdgCache,
                "MRT_CACHE_DIR=" + temp.resolve("cache"),
                "MRT_STATE_DIR=" + temp.resolve("state"),
                "MRT_APP_DIR=" + APP));
    command.addAll(env);
    command.add(SystemdUnitIT.LAUNCHER.toString());
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  private static Optional<Path> newestJdk() throws IOException {
    Path best = null;
    int bestFeature = 24;
    try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
      for (Path home : homes.toList()) {
        Path release = home.resolve("release");
        if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
          Matcher m = FEATURE.matcher(Files.readString(release));
          if (m.find() && Integer.parseInt(m.group(1)) > bestFeature) {
            bestFeature = Integer.parseInt(m.group(1));
            best = home;
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** The training runs detached: its cache appears, renamed into place, when it is done. */
  private static Path awaitFile(Path dir, String suffix) throws Exception {
    for (int i = 0; i < 1200; i++) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          Optional<Path> found =
              files.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst();
          if (found.isPresent()) {
            return found.get();
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no *" + suffix + " in " + dir + " after 120 s");
  }

  private static void awaitEmpty(Path dir) throws Exception {
    for (int i = 0; i < 100; i++) {
      try (Stream<Path> left = Files.list(dir)) {
        if (left.findAny().isEmpty()) {
          return;
        }
      }
      Thread.sleep(100);
    }
    try (Stream<Path> left = Files.list(dir)) {
      throw new AssertionError("the training left " + left.toList() + " behind");
    }
  }
}
