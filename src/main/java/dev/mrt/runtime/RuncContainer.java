package dev.mrt.runtime;

import dev.mrt.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One {@code runc run} in progress. Its owner calls {@link #await} exactly once; any thread may
 * call {@link #kill}. Removing the container and its bundle afterwards is the owner's job.
 */
public final class RuncContainer {
  /** How long a kill may take before mrt stops asking runc nicely. */
  private static final Duration KILL_PATIENCE = Duration.ofSeconds(10);

  private static final Duration KILL_RETRY = Duration.ofMillis(100);

  private final Runc runc;
  private final String id;
  private final Path log;
  private final Process process;
  private final Future<?> stdoutPump;
  private final Future<?> stderrPump;
  private volatile String killReason;

  private final ExecutorService pumps;

  RuncContainer(Runc runc, String id, Path log, Process process, Stdio stdio,
      ExecutorService pumps) {
    this.runc = runc;
    this.pumps = pumps;
    this.id = id;
    this.log = log;
    this.process = process;
    this.stdoutPump =
        stdio.stdout().map(out -> pump(process.getInputStream(), out, false)).orElse(null);
    // The filter holds back runc's own error line, so it must be closed to release the rest.
    this.stderrPump =
        pump(process.getErrorStream(), new RuncErrorFilter(stdio.stderr(), log), true);
    stdio.input().ifPresent(this::feed);
  }

  public String id() {
    return id;
  }

  /**
   * Waits for the container to end, killing it when {@code timeout} passes first.
   *
   * @return how it ended; output pumps have delivered everything when this returns
   */
  public ContainerExit await(Optional<Duration> timeout) {
    boolean timedOut = false;
    try {
      if (timeout.isPresent()) {
        timedOut = !process.waitFor(timeout.get().toNanos(), TimeUnit.NANOSECONDS);
        if (timedOut) {
          terminate();
        }
      } else {
        process.waitFor();
      }
      joinPumps();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminate();
      return new ContainerExit.Killed("interrupted");
    }
    if (timedOut) {
      return new ContainerExit.TimedOut(timeout.get());
    }
    if (killReason != null) {
      return new ContainerExit.Killed(killReason);
    }
    int status = process.exitValue();
    if (status != 0) {
      Optional<String> error = RuncLog.failure(log);
      if (error.isPresent()) {
        return new ContainerExit.FailedToStart(error.get(), status);
      }
    }
    return new ContainerExit.Exited(status);
  }

  /** Kills the container (SIGKILL); {@link #await} then reports {@link ContainerExit.Killed}. */
  public void kill(String reason) {
    killReason = reason;
    terminate();
  }

  /**
   * SIGKILL through runc, repeated because a container still being created is not yet known to
   * {@code runc kill}; as a last resort the runc process itself is killed and the container
   * force-deleted.
   */
  private void terminate() {
    long deadline = System.nanoTime() + KILL_PATIENCE.toNanos();
    try {
      while (process.isAlive() && System.nanoTime() < deadline) {
        runc.kill(id, "KILL");
        process.waitFor(KILL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (process.isAlive()) {
        process.destroyForcibly();
        runc.deleteForce(id);
        process.waitFor(KILL_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (RuncCommandException e) {
      // runc kill fails while the container is half-created; the loop or delete handles it.
      process.destroyForcibly();
    }
  }

  private void joinPumps() throws InterruptedException {
    if (stdoutPump != null) {
      join(stdoutPump);
    }
    join(stderrPump);
  }

  private static void join(Future<?> pump) throws InterruptedException {
    try {
      pump.get();
    } catch (ExecutionException e) {
      // The pump catches what it expects; anything else is a bug worth a stack trace.
      throw new IllegalStateException("output pump failed", e.getCause());
    }
  }

  /** Writes the job's input on its own thread, so a process that never reads cannot block us. */
  private void feed(byte[] input) {
    DaemonThreads.start("mrt-stdin-" + id, () -> {
      try (OutputStream in = process.getOutputStream()) {
        in.write(input);
      } catch (IOException e) {
        // The process exited or closed its stdin without reading it all: its business.
      }
    });
  }

  /** Copies one output stream on a pooled thread: a task would otherwise cost two new threads. */
  private Future<?> pump(InputStream in, OutputStream out, boolean closeSink) {
    return pumps.submit(() -> {
      byte[] buf = new byte[16 * 1024];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // The process closed its end or the sink refused more; either way we are done.
      } finally {
        try {
          if (closeSink) {
            out.close();
          } else {
            out.flush();
          }
        } catch (IOException ignored) {
          // Nothing left to deliver to a sink that is gone.
        }
      }
    });
  }
}
