package dev.mrt.metrics;

import dev.mrt.archivematica.BatchListener;
import dev.mrt.archivematica.TaskResult;
import dev.mrt.archivematica.db.DatabaseListener;
import dev.mrt.gearman.ServerState;
import dev.mrt.gearman.WorkerListener;
import dev.mrt.pool.ContainerPool;
import dev.mrt.pool.PoolListener;
import dev.mrt.pool.PoolSnapshot;
import dev.mrt.pool.PoolTask;
import dev.mrt.pool.TaskOutcome;
import dev.mrt.runtime.ContainerExit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * The metrics of serve: tasks, batches, the pool, gearmand and the database, and through {@link
 * #images()} the image cache (warm starts are {@link WarmMetrics}'). MCPClient's names, labels and
 * buckets are kept exactly (existing Archivematica dashboards read them); mrt's own are {@code
 * mrt_*} with the unit in the name.
 */
@ApplicationScoped
public class MrtMetrics implements PoolListener, BatchListener, WorkerListener, DatabaseListener {

  /** MCPClient's buckets for its per-batch histogram, in seconds. */
  static final Duration[] MCPCLIENT_BUCKETS =
      seconds(2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600);

  /** Container start is milliseconds: fine buckets from 1 ms. */
  static final Duration[] START_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(20), Duration.ofMillis(30), Duration.ofMillis(50), Duration.ofMillis(75),
    Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  static final Duration[] TASK_BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
    Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
    Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1)
  };

  /** Task outcomes, exclusive: every finished task counts under exactly one. */
  public enum Outcome {
    OK,
    NONZERO,
    TIMEOUT,
    START_FAILED,
    KILLED
  }

  private final MeterRegistry registry;
  private final DaemonStatus status;
  private final AtomicLong successTimestamp = new AtomicLong();
  private final AtomicLong errorTimestamp = new AtomicLong();
  private final Map<String, AtomicLong> connectionUp = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> reconnects = new ConcurrentHashMap<>();
  private final Timer containerStart;
  private final AtomicLong databaseUp = new AtomicLong();
  private final ImageMetrics images;

  /** Looked up once per function: building a meter id per task costs more than the record. */
  private final Map<String, Timer> taskDurations = new ConcurrentHashMap<>();

  public MrtMetrics(MeterRegistry registry, DaemonStatus status) {
    this.registry = registry;
    this.status = status;
    gauge(
            "mcpclient.job.success.timestamp",
            successTimestamp,
            "Time of the last task that succeeded, seconds since the epoch")
        .register(registry);
    gauge(
            "mcpclient.job.error.timestamp",
            errorTimestamp,
            "Time of the last task that failed, seconds since the epoch")
        .register(registry);
    containerStart =
        Timer.builder("mrt.container.start")
            .description("From a slot taking a task to runc running its container")
            .serviceLevelObjectives(START_BUCKETS)
            .register(registry);
    for (Outcome o : Outcome.values()) {
      tasks(o);
    }
    truncated();
    images = new ImageMetrics(registry);
  }

  /** The image cache and pull series, for the image resolver to report to. */
  public ImageMetrics images() {
    return images;
  }

  /**
   * The database series, from the moment serve knows one is configured: {@code mrt_database_up} and
   * {@code mrt_database_writes_total{outcome}} (task rows, by outcome).
   */
  public void database() {
    gauge("mrt.database.up", databaseUp, "1 while the Tasks table was reachable at the last try")
        .register(registry);
    for (DatabaseListener.Outcome o : DatabaseListener.Outcome.values()) {
      databaseWrites(o);
    }
  }

  @Override
  public void databaseState(boolean up, String detail) {
    databaseUp.set(up ? 1 : 0);
    status.database(up, detail);
  }

  @Override
  public void databaseWrites(DatabaseListener.Outcome outcome, int rows) {
    databaseWrites(outcome).increment(rows);
  }

  private Counter databaseWrites(DatabaseListener.Outcome o) {
    return Counter.builder("mrt.database.writes")
        .description("Tasks rows written (ok, retried) or given up on (failed)")
        .tag("outcome", o.name().toLowerCase())
        .register(registry);
  }

  /** Pool gauges and, at zero, the MCPClient series of every function (as MCPClient does). */
  public void serve(ContainerPool pool, Collection<String> functions) {
    poolGauge("mrt.pool.size", pool, PoolSnapshot::size, "Containers that may run at once");
    poolGauge("mrt.pool.busy", pool, PoolSnapshot::busy, "Containers running");
    poolGauge(
        "mrt.pool.queued", pool, PoolSnapshot::queued, "Tasks accepted and waiting for a slot");
    for (String f : functions) {
      jobs(f);
      jobErrors(f);
      batchTime(f);
    }
  }

  private void poolGauge(
      String name, ContainerPool pool, ToIntFunction<PoolSnapshot> read, String description) {
    Gauge.builder(name, pool, p -> read.applyAsInt(p.snapshot()))
        .description(description)
        .register(registry);
  }

  @Override
  public void taskFinished(PoolTask task, TaskOutcome outcome) {
    if (!Duration.ZERO.equals(outcome.startLatency())) {
      containerStart.record(outcome.startLatency());
    }
    taskDurations
        .computeIfAbsent(
            task.group(),
            group ->
                Timer.builder("mrt.task.duration")
                    .description(
                        "A task from slot to container removed, by function (api for HTTP jobs)")
                    .tag("function", group)
                    .serviceLevelObjectives(TASK_BUCKETS)
                    .register(registry))
        .record(outcome.duration());
    tasks(outcomeOf(outcome.exit())).increment();
    if (outcome.truncated()) {
      truncated().increment();
    }
  }

  static Outcome outcomeOf(ContainerExit exit) {
    if (exit instanceof ContainerExit.TimedOut) {
      return Outcome.TIMEOUT;
    } else if (exit instanceof ContainerExit.FailedToStart) {
      return Outcome.START_FAILED;
    } else if (exit instanceof ContainerExit.Killed) {
      return Outcome.KILLED;
    }
    return exit.status() == 0 ? Outcome.OK : Outcome.NONZERO;
  }

  @Override
  public void batchFinished(String function, Collection<TaskResult> results, Duration duration) {
    batchTime(function).record(duration);
    long now = System.currentTimeMillis() / 1000;
    for (TaskResult r : results) {
      jobs(function).increment();
      if (r.exitCode() == 0) {
        successTimestamp.set(now);
      } else {
        jobErrors(function).increment();
        errorTimestamp.set(now);
      }
    }
  }

  @Override
  public void onStateChange(ServerState state) {
    status.server(state);
    String server = state.server().toString();
    connectionUp
        .computeIfAbsent(server, this::connectionUp)
        .set(state.status() == ServerState.Status.CONNECTED ? 1 : 0);
    reconnects.computeIfAbsent(server, this::reconnects).set(state.reconnects());
  }

  /** A server's mrt_gearman_connection_up, registered at its first state. */
  private AtomicLong connectionUp(String server) {
    AtomicLong up = new AtomicLong();
    gauge("mrt.gearman.connection.up", up, "1 while connected to this gearmand")
        .tag("server", server)
        .register(registry);
    return up;
  }

  /** A server's mrt_gearman_reconnects_total, set from its state rather than counted here. */
  private AtomicLong reconnects(String server) {
    AtomicLong n = new AtomicLong();
    FunctionCounter.builder("mrt.gearman.reconnects", n, AtomicLong::doubleValue)
        .description("Connections to this gearmand re-established after a loss")
        .tag("server", server)
        .register(registry);
    return n;
  }

  /** A gauge that reads a value this class sets. */
  private static Gauge.Builder<AtomicLong> gauge(
      String name, AtomicLong value, String description) {
    return Gauge.builder(name, value, AtomicLong::doubleValue).description(description);
  }

  private Counter jobs(String function) {
    return Counter.builder("mcpclient.job")
        .description("Number of jobs processed")
        .tag("script_name", function)
        .register(registry);
  }

  private Counter jobErrors(String function) {
    return Counter.builder("mcpclient.job.error")
        .description("Number of failures processing jobs")
        .tag("script_name", function)
        .register(registry);
  }

  private Timer batchTime(String function) {
    return Timer.builder("mcpclient.task.execution.time")
        .description("Batch execution time in seconds, by script")
        .tag("script_name", function)
        .serviceLevelObjectives(MCPCLIENT_BUCKETS)
        .register(registry);
  }

  private Counter tasks(Outcome o) {
    return Counter.builder("mrt.tasks")
        .description("Finished tasks by outcome")
        .tag("outcome", o.name().toLowerCase())
        .register(registry);
  }

  private Counter truncated() {
    return Counter.builder("mrt.tasks.output.truncated")
        .description("Tasks whose stdout or stderr was cut at the output limit")
        .register(registry);
  }

  private static Duration[] seconds(long... s) {
    Duration[] out = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Duration.ofSeconds(s[i]);
    }
    return out;
  }
}
