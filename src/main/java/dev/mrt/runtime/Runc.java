package dev.mrt.runtime;

import dev.mrt.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Controls one runc binary with its own state root. Every call names the state root, so mrt's
 * containers never mix with others on the host, and concurrent mrt processes sharing a state
 * directory see each other's containers (which is what crash cleanup needs).
 */
public final class Runc {
  /** runc's log file inside each bundle: its errors, as JSON lines, apart from the job's output. */
  public static final String LOG_FILE = "runc.log";

  /** How long a control command (kill, delete, list, --version) may take. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  /** What is kept of a control command's output: its error message, not a flood. */
  private static final int OUTPUT_LIMIT = 64 * 1024;

  /** After runc exits, how long its output may take to end. */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);

  private final Path binary;
  private final Path stateRoot;
  private final Duration commandTimeout;

  /** Threads that copy containers' output; idle ones die after a minute. */
  private final ExecutorService outputPumps =
      Executors.newCachedThreadPool(DaemonThreads.factory("mrt-output"));

  public Runc(Path binary, Path stateRoot) {
    this(binary, stateRoot, COMMAND_TIMEOUT);
  }

  Runc(Path binary, Path stateRoot, Duration commandTimeout) {
    this.binary = binary;
    this.stateRoot = stateRoot;
    this.commandTimeout = commandTimeout;
  }

  public Path binary() {
    return binary;
  }

  /** runc's {@code --root}: where it keeps the state of mrt's containers. */
  public Path stateRoot() {
    return stateRoot;
  }

  /**
   * Starts {@code runc run} of a prepared bundle in the foreground; runc forwards signals to the
   * container and returns its exit status.
   */
  public RuncContainer run(String id, Path bundle, Stdio stdio) {
    RuncContainer c =
        start(
            id,
            bundle,
            stdio.stdin(),
            stdio.stdout().isPresent() ? Redirect.PIPE : Redirect.INHERIT);
    c.attach(stdio);
    return c;
  }

  /**
   * Starts {@code runc run} of a bundle whose process waits for its job on stdin ({@link
   * JobHandOff}): every stream is a pipe, and nothing is read until the caller asks.
   */
  public RuncContainer runAhead(String id, Path bundle) {
    return start(id, bundle, Redirect.PIPE, Redirect.PIPE);
  }

  private RuncContainer start(String id, Path bundle, Redirect stdin, Redirect stdout) {
    Path log = bundle.resolve(LOG_FILE);
    ProcessBuilder pb =
        new ProcessBuilder(
            command(
                "--log",
                log.toString(),
                "--log-format",
                "json",
                "run",
                "--bundle",
                bundle.toString(),
                id));
    pb.redirectInput(stdin);
    pb.redirectOutput(stdout);
    pb.redirectError(Redirect.PIPE);
    try {
      return new RuncContainer(this, id, log, pb.start(), outputPumps);
    } catch (IOException e) {
      throw new RuntimeUnavailableException(binary, e);
    }
  }

  /** Sends a signal; a container that is already gone is not an error. */
  public void kill(String id, String signal) {
    exec(List.of("kill", id, signal), true);
  }

  /** Removes a container in any state, killing it first; a missing container is not an error. */
  public void deleteForce(String id) {
    exec(List.of("delete", "--force", id), true);
  }

  /**
   * Whether runc still has state for this container. A foreground {@code runc run} removes it when
   * the container exits, so after a normal end there is nothing left to delete.
   */
  public boolean hasState(String id) {
    return Files.exists(stateRoot.resolve(id));
  }

  /**
   * Ids of the containers runc keeps state for, read from its state root (a directory per
   * container, named by the id) rather than by starting {@code runc list}: at every start of a CLI
   * command that costs a Go process for, usually, nothing to find.
   *
   * @throws IOException when the state root exists but cannot be read
   */
  public List<String> stateIds() throws IOException {
    if (!Files.isDirectory(stateRoot)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(stateRoot)) {
      return entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  /** runc's version line, to show that the binary runs on this host. */
  public String version() {
    return exec(List.of("--version"), false).lines().findFirst().orElse("").trim();
  }

  List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.add("--root");
    cmd.add(stateRoot.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Runs a control command, bounded for real: its output is read on another thread while this one
   * waits, so a runc that hangs with its pipe open is killed at the deadline (its children may keep
   * the pipe; the reader is then abandoned, not waited for).
   */
  private String exec(List<String> args, boolean tolerateMissing) {
    List<String> cmd = command(args.toArray(String[]::new));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new RuntimeUnavailableException(binary, e);
    }
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    Future<?> reader =
        outputPumps.submit(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = p.getInputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  synchronized (seen) {
                    seen.write(buffer, 0, Math.max(0, Math.min(n, OUTPUT_LIMIT - seen.size())));
                  }
                }
              }
              return null;
            });
    try {
      if (!p.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        reader.cancel(true);
        throw new RuncCommandException(
            cmd, -1, "no answer within " + commandTimeout.toMillis() / 1000.0 + "s; killed it");
      }
      try {
        reader.get(OUTPUT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // runc has exited; something it started still holds the pipe. What runc said is in.
        reader.cancel(true);
      } catch (ExecutionException e) {
        throw new RuntimeUnavailableException(
            binary, e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
      }
      String text;
      synchronized (seen) {
        text = seen.toString(StandardCharsets.UTF_8);
      }
      if (p.exitValue() != 0 && !(tolerateMissing && isMissing(text))) {
        throw new RuncCommandException(cmd, p.exitValue(), text.strip());
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new RuncCommandException(cmd, -1, "interrupted");
    }
  }

  private static boolean isMissing(String output) {
    return output.contains("does not exist") || output.contains("not exist");
  }
}
