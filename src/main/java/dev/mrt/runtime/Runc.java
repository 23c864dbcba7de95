package dev.mrt.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Controls one runc binary with its own state root. Every call names the state root, so mrt's
 * containers never mix with others on the host, and concurrent mrt processes sharing a state
 * directory see each other's containers (which is what crash cleanup needs).
 */
public final class Runc {
  /** runc's log file inside each bundle: its errors, as JSON lines, apart from the job's output. */
  public static final String LOG_FILE = "runc.log";

  private static final long COMMAND_TIMEOUT_SECONDS = 30;

  private final Path binary;
  private final Path stateRoot;
  /** Threads that copy containers' output; idle ones die after a minute. */
  private final ExecutorService outputPumps = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "mrt-output");
    t.setDaemon(true);
    return t;
  });

  public Runc(Path binary, Path stateRoot) {
    this.binary = binary;
    this.stateRoot = stateRoot;
  }

  public Path binary() {
    return binary;
  }

  /**
   * Starts {@code runc run} of a prepared bundle in the foreground; runc forwards signals to the
   * container and returns its exit status.
   */
  public RuncContainer run(String id, Path bundle, Stdio stdio) {
    Path log = bundle.resolve(LOG_FILE);
    ProcessBuilder pb =
        new ProcessBuilder(
            command(
                "--log", log.toString(), "--log-format", "json",
                "run", "--bundle", bundle.toString(), id));
    pb.redirectInput(stdio.stdin());
    pb.redirectOutput(stdio.stdout().isPresent() ? Redirect.PIPE : Redirect.INHERIT);
    pb.redirectError(Redirect.PIPE);
    try {
      return new RuncContainer(this, id, log, pb.start(), stdio, outputPumps);
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
   * Whether runc still has state for this container. A foreground {@code runc run} removes it
   * when the container exits, so after a normal end there is nothing left to delete.
   */
  public boolean hasState(String id) {
    return java.nio.file.Files.exists(stateRoot.resolve(id));
  }

  /** Ids of every container under this state root. */
  public List<String> list() {
    String out = exec(List.of("list", "--quiet"), false);
    return Arrays.stream(out.split("\n")).filter(s -> !s.isBlank()).toList();
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

  private String exec(List<String> args, boolean tolerateMissing) {
    List<String> cmd = command(args.toArray(String[]::new));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new RuncCommandException(cmd, -1, "no answer in " + COMMAND_TIMEOUT_SECONDS + "s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0 && !(tolerateMissing && isMissing(text))) {
        throw new RuncCommandException(cmd, p.exitValue(), text.strip());
      }
      return text;
    } catch (IOException e) {
      throw new RuntimeUnavailableException(binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuncCommandException(cmd, -1, "interrupted");
    }
  }

  private static boolean isMissing(String output) {
    return output.contains("does not exist") || output.contains("not exist");
  }
}
