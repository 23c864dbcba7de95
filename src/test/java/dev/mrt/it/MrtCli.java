package dev.mrt.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt.cli.MrtMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the packaged mrt jar as its own process: as root (rootful containers) or as the unprivileged
 * test user (rootless). Each instance has its own cache and state directories, owned by the user it
 * runs as.
 */
final class MrtCli {
  /** The user rootless tests run as when the suite runs as root. */
  static final String TEST_USER = System.getenv().getOrDefault("MRT_TEST_USER", "mrt-test");

  enum Mode {
    ROOTFUL,
    ROOTLESS
  }

  record Result(int exit, String stdout, String stderr) {
    /** stderr without log lines ("HH:MM:SS.mmm LEVEL [...]"): what mrt says to its user. */
    String messages() {
      return withoutLogs(stderr);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** Text without mrt's log lines ("HH:MM:SS.mmm LEVEL [...]"), e.g. "first use" unpacks. */
  static String withoutLogs(String stderr) {
    return stderr
        .lines()
        .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
        .map(l -> l + "\n")
        .collect(Collectors.joining());
  }

  private final Mode mode;
  private final Path home;
  private final Map<String, String> env = new TreeMap<>();
  private Path workingDirectory;

  MrtCli(Mode mode, Path home) {
    assume(mode);
    this.mode = mode;
    this.home = home;
    mkdirOwned(home);
    env.put("MRT_CACHE_DIR", home.resolve("cache").toString());
    env.put("MRT_STATE_DIR", home.resolve("state").toString());
  }

  /**
   * This test run's directory for one use: /tmp/mrt-it/run-PID/KIND-MODE-NAME, gone with the JVM.
   */
  static Path runDir(String kind, Mode mode, String name) {
    return Path.of(
        "/tmp/mrt-it",
        "run-" + ProcessHandle.current().pid(),
        kind + "-" + mode.name().toLowerCase() + "-" + name);
  }

  /** An instance with a cache and state of its own, in {@link #runDir}. */
  static MrtCli fresh(String kind, Mode mode, String name) {
    return new MrtCli(mode, runDir(kind, mode, name));
  }

  /** One shared cache per mode, so the default image is unpacked once per test run. */
  static MrtCli shared(Mode mode) {
    assume(mode);
    MrtCli cli =
        new MrtCli(
            mode,
            Path.of(
                "/tmp/mrt-it", "run-" + ProcessHandle.current().pid(), mode.name().toLowerCase()));
    return cli;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Rootful needs root; rootless needs the test user when we are root, or just not root. */
  static void assume(Mode mode) {
    if (mode == Mode.ROOTFUL) {
      assumeTrue(isRoot(), "rootful containers need root");
    } else if (isRoot()) {
      if (System.getenv("CI") != null) {
        // In CI the rootless half must run: a missing user is a broken setup, not a skip.
        if (!userExists()) {
          throw new IllegalStateException("CI: test user " + TEST_USER + " is missing");
        }
      }
      assumeTrue(
          userExists(),
          "rootless tests need user " + TEST_USER + " (src/test/sh/prepare-host.sh creates it)");
    }
  }

  Mode mode() {
    return mode;
  }

  Path home() {
    return home;
  }

  Path stateDir() {
    return Path.of(env.get("MRT_STATE_DIR"));
  }

  Path cacheDir() {
    return Path.of(env.get("MRT_CACHE_DIR"));
  }

  MrtCli withEnv(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Runs mrt in this directory (where it reads config/application.properties). */
  MrtCli inDirectory(Path dir) {
    workingDirectory = dir;
    return this;
  }

  /** Undoes {@link #withEnv} on a shared instance, so later tests do not inherit it. */
  MrtCli withoutEnv(String key) {
    env.remove(key);
    return this;
  }

  Result run(String... args) {
    return run(Duration.ofMinutes(3), args);
  }

  Result run(Duration limit, String... args) {
    try {
      Process p = start(args);
      p.getOutputStream().close();
      var out = readAsync(p.getInputStream());
      var err = readAsync(p.getErrorStream());
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("mrt " + String.join(" ", args) + " did not end in " + limit);
      }
      return new Result(p.exitValue(), out.get(), err.get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  Process start(String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(args));
    if (workingDirectory != null) {
      pb.directory(workingDirectory.toFile());
    }
    return pb.start();
  }

  /**
   * Starts {@code mrt serve} in the background with these further variables, its stdout and stderr
   * in {@code home/NAME.log}.
   */
  ServeProcess startServe(String name, Map<String, String> serveEnv, String... args) {
    Path log = home.resolve(name + ".log");
    // Several daemons run at once in these tests: each gets its own HTTP port unless given one.
    Map<String, String> withPort = new TreeMap<>(Map.of("QUARKUS_HTTP_PORT", "0"));
    withPort.putAll(serveEnv);
    List<String> cmd = command(withPort, prepend("serve", args));
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      p.getOutputStream().close();
      return new ServeProcess(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  List<String> command(String... args) {
    return command(Map.of(), args);
  }

  private List<String> command(Map<String, String> moreEnv, String... args) {
    List<String> cmd = new ArrayList<>();
    if (mode == Mode.ROOTLESS && isRoot()) {
      cmd.addAll(List.of("runuser", "-u", TEST_USER, "--"));
    }
    cmd.add("env");
    Map<String, String> all = new TreeMap<>(env);
    all.putAll(moreEnv);
    all.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    // As the launcher does: the commands that run without Quarkus start from the short class
    // path, so every test of them checks that it holds what they load.
    cmd.add((MrtMain.runsPlain(args) ? App.plainJar() : App.jar()).toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Makes a directory (and parents) that the user mrt runs as can write. */
  Path mkdirOwned(Path dir) {
    try {
      Files.createDirectories(dir);
      if (mode == Mode.ROOTLESS && isRoot()) {
        UserPrincipal user =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(TEST_USER);
        for (Path p = dir; p != null && p.startsWith("/tmp/mrt-it"); p = p.getParent()) {
          if (p.equals(dir)) {
            Files.setOwner(p, user);
          } else {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a file the mrt user can read. */
  static Path readableFile(Path file, String content) {
    return readableFile(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a file the mrt user can read. */
  static Path readableFile(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Entries under the state directory's bundles, to check nothing is left behind. */
  List<String> leftoverBundles() {
    Path bundles = stateDir().resolve("bundles");
    if (!Files.isDirectory(bundles)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(bundles)) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Containers runc still knows about under this state directory. */
  List<String> leftoverContainers() {
    Path root = stateDir().resolve("runc");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean userExists() {
    try {
      Process p = new ProcessBuilder("id", "-u", TEST_USER).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static Future<String> readAsync(InputStream in) {
    FutureTask<String> task =
        new FutureTask<>(() -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    Thread t = new Thread(task);
    t.setDaemon(true);
    t.start();
    return task;
  }
}
