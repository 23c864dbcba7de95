package dev.mrt.archivematica.db;

import dev.mrt.DaemonThreads;
import dev.mrt.gearman.Backoff;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * Writes {@link TaskRows} on one thread of its own, in the order they were asked for (a task's
 * start before its end). A failed write is tried again with capped, jittered backoff for up to
 * {@code retryFor}; the writes behind it wait, in order. What cannot be written is logged with its
 * task UUIDs, so an operator can mend the rows by hand.
 */
public final class TaskRowWriter implements TaskRows, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TaskRowWriter.class);

  /** Enough for hours of an Archivematica pipeline's batches while the database is away. */
  private static final int QUEUE_LIMIT = 100_000;

  private sealed interface Write {
    List<String> uuids();
  }

  private record Start(List<String> uuids, Instant at) implements Write {}

  private record End(List<Finished> tasks) implements Write {
    @Override
    public List<String> uuids() {
      return tasks.stream().map(Finished::taskUuid).toList();
    }
  }

  /** Asks the writer thread to stop once everything before it is written. */
  private record Stop() implements Write {
    @Override
    public List<String> uuids() {
      return List.of();
    }
  }

  private final TasksTable table;
  private final DatabaseListener listener;
  private final Duration retryFor;
  private final Backoff backoff;
  private final Clock clock;
  private final Random random = new Random();
  private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
  private final Thread thread;
  private volatile boolean closing;

  TaskRowWriter(
      TasksTable table,
      DatabaseListener listener,
      Duration retryFor,
      Backoff backoff,
      Clock clock) {
    this.table = table;
    this.listener = listener;
    this.retryFor = retryFor;
    this.backoff = backoff;
    this.clock = clock;
    this.thread = DaemonThreads.start("mrt-tasks-table", this::loop);
  }

  @Override
  public void started(Collection<String> taskUuids, Instant at) {
    if (!taskUuids.isEmpty()) {
      offer(new Start(List.copyOf(taskUuids), at));
    }
  }

  @Override
  public void finished(List<Finished> tasks) {
    if (!tasks.isEmpty()) {
      offer(new End(List.copyOf(tasks)));
    }
  }

  /** Checks the database once, off the caller's thread; the answer reaches the listener. */
  public void probe() {
    DaemonThreads.start(
        "mrt-tasks-probe",
        () -> {
          try {
            table.check();
            listener.databaseState(true, "Tasks table reachable");
          } catch (SQLException e) {
            listener.databaseState(false, describe(e));
            LOG.warnf(
                "database: the Tasks table is not reachable yet (%s); rows are written once"
                    + " it is",
                describe(e));
          }
        });
  }

  private void offer(Write w) {
    if (closing || !queue.offer(w)) {
      listener.databaseWrites(DatabaseListener.Outcome.FAILED, w.uuids().size());
      LOG.errorf(
          "database: not writing the Tasks rows of %s (%s); set them by hand",
          w.uuids(), closing ? "mrt is stopping" : QUEUE_LIMIT + " writes are already waiting");
    }
  }

  private void loop() {
    while (true) {
      Write w;
      try {
        w = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (w instanceof Stop) {
        return;
      }
      write(w);
    }
  }

  private void write(Write w) {
    Instant giveUp = clock.instant().plus(retryFor);
    for (int attempt = 0; ; attempt++) {
      try {
        int changed =
            w instanceof Start s
                ? table.setStartTimes(s.uuids(), s.at())
                : table.finish(((End) w).tasks());
        listener.databaseState(true, "last write ok");
        listener.databaseWrites(
            attempt == 0 ? DatabaseListener.Outcome.OK : DatabaseListener.Outcome.RETRIED,
            w.uuids().size());
        if (changed < w.uuids().size()) {
          // MCPServer inserts every row before it submits the batch: a missing row is theirs.
          LOG.debugf(
              "database: %d of %d Tasks rows existed for %s", changed, w.uuids().size(), w.uuids());
        }
        return;
      } catch (SQLException e) {
        listener.databaseState(false, describe(e));
        Duration delay = backoff.delay(attempt, random);
        if (closing || clock.instant().plus(delay).isAfter(giveUp)) {
          listener.databaseWrites(DatabaseListener.Outcome.FAILED, w.uuids().size());
          LOG.errorf(
              "database: gave up writing the Tasks rows of %s after %d tries (%s); set"
                  + " them by hand",
              w.uuids(), attempt + 1, describe(e));
          return;
        }
        if (attempt == 0) {
          LOG.warnf(
              "database: writing Tasks rows failed (%s); retrying for up to %s",
              describe(e), retryFor);
        }
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          closing = true;
        }
      }
    }
  }

  /**
   * Stops taking writes and waits up to {@code timeout} for those queued; what is still queued then
   * is logged with its task UUIDs.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  public void close(Duration timeout) {
    if (!queue.offer(new Stop())) {
      closing = true;
    }
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closing = true;
    if (thread.isAlive()) {
      thread.interrupt();
      List<String> left = queue.stream().flatMap(w -> w.uuids().stream()).toList();
      if (!left.isEmpty()) {
        LOG.errorf(
            "database: stopping with the Tasks rows of %s unwritten; set them by hand", left);
      }
    }
  }

  static String describe(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m).strip();
  }
}
