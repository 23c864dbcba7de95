package dev.mrt.archivematica;

import dev.mrt.Durations;
import dev.mrt.MrtException;
import dev.mrt.archivematica.db.DatabaseSettings;
import dev.mrt.bundle.BindMount;
import dev.mrt.bundle.ContainerRequest;
import dev.mrt.image.PreparedImage;
import dev.mrt.network.Endpoint;
import dev.mrt.network.Network;
import dev.mrt.pool.PoolTask;
import dev.mrt.pool.TaskOutcome;
import dev.mrt.runtime.ContainerExit;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a function's containers look like (argv, environment, mounts, limits) and how their end
 * reads as MCPClient's task result: the one place both task and batch mode build them.
 */
final class TaskContainers {
  private final McpClientJobs.Settings settings;
  private final Clock clock;

  /** Where the archivematica runner's scripts find the database, as MCPClient is told. */
  private final Optional<Endpoint> database;

  TaskContainers(McpClientJobs.Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.database = databaseEndpoint(settings.harnessEnv());
  }

  /**
   * The database the scripts are told of in their environment (MCPClient's
   * ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST and _PORT), read as mrt reads its own.
   */
  static Optional<Endpoint> databaseEndpoint(Map<String, String> harnessEnv) {
    try {
      return DatabaseSettings.from(name -> Optional.ofNullable(harnessEnv.get(name)))
          .map(d -> new Endpoint(d.host(), d.port()));
    } catch (IllegalArgumentException e) {
      throw new MrtException(e.getMessage(), e);
    }
  }

  McpClientJobs.Settings settings() {
    return settings;
  }

  PoolTask poolTask(FunctionTable.Function f, PreparedImage image, ContainerRequest request) {
    return new PoolTask(
        image, request, f.timeout(), f.name(), f.concurrency(), settings.outputLimit());
  }

  /**
   * The container for one of this function's processes. The archivematica runner's also gets the
   * runner mounted, MCPClient's environment, and root in place of the image's User when rootless.
   */
  ContainerRequest request(
      FunctionTable.Function f,
      List<String> argv,
      Map<String, String> more,
      List<BindMount> moreBinds) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "C.UTF-8");
    env.put("PYTHONIOENCODING", "utf-8");
    List<BindMount> binds = new ArrayList<>();
    binds.add(settings.sharedDirectory());
    settings.clientAssets().ifPresent(binds::add);
    binds.addAll(settings.extraMounts());
    ContainerRequest.RootlessUser user = ContainerRequest.RootlessUser.REFUSE;
    Network network = f.network();
    if (f.harness() && network instanceof Network.Endpoints e && database.isPresent()) {
      network = e.plus(List.of(database.get()));
    }
    if (f.harness()) {
      env.putAll(settings.harnessEnv());
      binds.add(
          HarnessRunner.mount(
              settings
                  .harnessScript()
                  .orElseThrow(
                      () -> new IllegalStateException("no runner script for " + f.name()))));
      user = ContainerRequest.RootlessUser.ROOT;
    }
    env.putAll(f.env());
    env.putAll(more);
    binds.addAll(moreBinds);
    ContainerRequest request =
        new ContainerRequest(argv, env, Optional.empty(), Optional.empty(), network, binds)
            .withLimits(f.limits())
            .withRootlessUser(user)
            .withSeccomp(f.seccomp());
    return f.harness()
        ? request.withWarmCommand(HarnessRunner.warmCommand(argv, f.module()))
        : request;
  }

  /** MCPClient's view of a container's end: exit code, output, and mrt's reason if it failed. */
  TaskResult result(TaskOutcome o) {
    // A start failure has no output of the job's own to set the reason apart from.
    String sep = o.exit() instanceof ContainerExit.FailedToStart ? "" : "\n";
    String stderr =
        o.stderr().text() + reason(o.exit()).map(r -> sep + "mrt: " + r + "\n").orElse("");
    if (!settings.captureOutput()) {
      return new TaskResult(o.exit().status(), clock.instant(), "", "");
    }
    return new TaskResult(o.exit().status(), clock.instant(), o.stdout().text(), stderr);
  }

  /** Why mrt ended (or never started) a container, when it was not the job's own exit. */
  static Optional<String> reason(ContainerExit exit) {
    if (exit instanceof ContainerExit.TimedOut t) {
      return Optional.of("task timed out after " + Durations.format(t.after()) + " and was killed");
    } else if (exit instanceof ContainerExit.FailedToStart s) {
      return Optional.of("the task's container did not start: " + s.reason());
    } else if (exit instanceof ContainerExit.Killed k) {
      return Optional.of("task killed: " + k.reason());
    }
    return Optional.empty();
  }

  /**
   * A task whose arguments do not split (unbalanced quotes): that task fails, the batch goes on.
   */
  TaskResult unsplittable(Task task, PayloadException e) {
    return failed(
        1, "mrt: cannot split the arguments of task " + task.uuid() + ": " + e.getMessage());
  }

  TaskResult failed(int exitCode, String reason) {
    return new TaskResult(exitCode, clock.instant(), "", reason + "\n");
  }

  /** Every task of {@code batch} failed for one reason mrt gives. */
  BatchRun allFailed(Batch batch, String reason) {
    Map<String, TaskResult> results = new LinkedHashMap<>();
    batch.tasks().forEach(t -> results.put(t.uuid(), failed(1, reason)));
    return BatchRun.of(results);
  }
}
