package dev.mrt.runtime;

import dev.mrt.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One {@code runc run} in progress: started for its job, or ahead of it and then handed the job
 * ({@link #handOff}). Its owner calls {@link #await} exactly once; any thread may call {@link
 * #kill}. Removing the container and its bundle afterwards is the owner's job.
 */
public final class RuncContainer {
  /** How long a kill may take before mrt stops asking runc nicely. */
  private static final Duration KILL_PATIENCE = Duration.ofSeconds(10);

  private static final Duration KILL_RETRY = Duration.ofMillis(100);

  private final Runc runc;
  private final String id;
  private final Path log;
  private final Process process;
  private volatile Future<?> stdoutPump;
  private volatile Future<?> stderrPump;
  private volatile String killReason;

  /** A warm job's stdout filter, when its helper may say it could not start the job. */
  private volatile NotStartedFilter notStarted;

  private final ExecutorService pumps;

  RuncContainer(Runc runc, String id, Path log, Process process, ExecutorService pumps) {
    this.runc = runc;
    this.pumps = pumps;
    this.id = id;
    this.log = log;
    this.process = process;
  }

  /** Connects the job's streams to a container started for it: {@code runc run}. */
  void attach(Stdio stdio) {
    startPumps(stdio);
    stdio.input().ifPresent(this::feed);
  }

  /**
   * Waits for a container started ahead of its job to say it is ready ({@link JobHandOff#READY} on
   * its stdout). Blocks; {@link #kill} ends the wait.
   *
   * @return false when it ended or said anything else: it cannot take a job
   */
  public boolean awaitReady() {
    byte[] expected = JobHandOff.READY.getBytes(StandardCharsets.US_ASCII);
    try {
      return Arrays.equals(process.getInputStream().readNBytes(expected.length), expected);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Gives a ready container its job: the hand-off, then the job's input, on stdin; from here the
   * job's output goes to {@code stdio}'s sinks, which must be captured ones.
   *
   * @param notStartedMarker how the hand-off helper's "could not start the job" line begins; when
   *     it says so, {@link #await} reports {@link ContainerExit.FailedToStart}
   * @throws IOException when the waiting process is gone (the pipe is closed)
   */
  public void handOff(JobHandOff job, Stdio stdio, Optional<String> notStartedMarker)
      throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(job.encode());
    in.flush();
    notStarted =
        notStartedMarker
            .flatMap(m -> stdio.stdout().map(out -> new NotStartedFilter(out, m)))
            .orElse(null);
    startPumps(
        notStarted == null
            ? stdio
            : new Stdio(stdio.stdin(), stdio.input(), Optional.of(notStarted), stdio.stderr()));
    if (stdio.input().isPresent()) {
      feed(stdio.input().get());
    } else {
      in.close();
    }
  }

  /**
   * Ends a container that never got its job: the waiting process exits when its stdin closes; one
   * that does not within {@code patience} is killed.
   */
  public void abandon(Duration patience) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Already closed or gone: the wait below tells.
    }
    await(Optional.of(patience));
  }

  private void startPumps(Stdio stdio) {
    this.stdoutPump =
        stdio.stdout().map(out -> pump(process.getInputStream(), out, false)).orElse(null);
    // The filter holds back runc's own error line, so it must be closed to release the rest.
    this.stderrPump =
        pump(process.getErrorStream(), new RuncErrorFilter(stdio.stderr(), log), true);
  }

  public String id() {
    return id;
  }

  /** Whether {@code runc run} is still running: the container has not ended. */
  public boolean isAlive() {
    return process.isAlive();
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
    if (notStarted != null) {
      try {
        notStarted.finish();
      } catch (IOException e) {
        // The sink is gone; there is no output left to deliver to it.
      }
      Optional<String> reason = notStarted.reason();
      if (reason.isPresent()) {
        return new ContainerExit.FailedToStart(reason.get(), status);
      }
    }
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
    for (Future<?> pump : new Future<?>[] {stdoutPump, stderrPump}) {
      if (pump != null) {
        join(pump);
      }
    }
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
    DaemonThreads.start(
        "mrt-stdin-" + id,
        () -> {
          try (OutputStream in = process.getOutputStream()) {
            in.write(input);
          } catch (IOException e) {
            // The process exited or closed its stdin without reading it all: its business.
          }
        });
  }

  /** Copies one output stream on a pooled thread: a task would otherwise cost two new threads. */
  private Future<?> pump(InputStream in, OutputStream out, boolean closeSink) {
    return pumps.submit(
        () -> {
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
