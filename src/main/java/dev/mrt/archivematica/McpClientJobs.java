package dev.mrt.archivematica;

import dev.mrt.MrtException;
import dev.mrt.bundle.BindMount;
import dev.mrt.bundle.ContainerRequest;
import dev.mrt.bundle.Network;
import dev.mrt.config.FunctionsConfig;
import dev.mrt.gearman.GearmanJob;
import dev.mrt.gearman.JobHandler;
import dev.mrt.gearman.JobReply;
import dev.mrt.image.ImageResolver;
import dev.mrt.image.PreparedImage;
import dev.mrt.pool.ContainerPool;
import dev.mrt.pool.PoolTask;
import dev.mrt.pool.TaskCancelledException;
import dev.mrt.pool.TaskHandle;
import dev.mrt.pool.TaskOutcome;
import dev.mrt.runtime.ContainerExit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * MCPClient's job handling on top of the container pool: decodes a batch, runs each task in a
 * fresh container (or the whole batch in one, in batch mode) and replies exactly as MCPClient
 * would. Only an undecodable batch or an unknown function is WORK_FAIL; everything that goes
 * wrong with a task is that task's non-zero exit code with the reason in its stderror.
 */
public final class McpClientJobs implements JobHandler {
  private static final Logger LOG = Logger.getLogger(McpClientJobs.class);

  /** Gearman job id and batch, as a log prefix. */
  private static String label(GearmanJob job) {
    return job.function() + " batch " + job.unique();
  }

  private final FunctionTable functions;
  private final ContainerPool pool;
  private final ImageResolver images;
  private final Tokens tokens;
  private final Settings settings;
  private final java.nio.file.Path batchDirs;
  private final BatchListener listener;
  private final Clock clock;
  private final ExecutorService jobs = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "mrt-job");
    t.setDaemon(true);
    return t;
  });

  /**
   * What every task container gets.
   *
   * @param sharedDirectory bind-mounted read-write at the same path
   * @param clientAssets bind-mounted read-only at the same path, when it exists
   * @param extraMounts the operator's further mounts
   * @param outputLimit bytes of stdout and of stderr kept per task
   */
  public record Settings(
      BindMount sharedDirectory,
      Optional<BindMount> clientAssets,
      List<BindMount> extraMounts,
      int outputLimit,
      boolean captureOutput) {}

  public McpClientJobs(FunctionTable functions, ContainerPool pool, ImageResolver images,
      Tokens tokens, Settings settings, java.nio.file.Path batchDirs, BatchListener listener,
      Clock clock) {
    this.functions = functions;
    this.pool = pool;
    this.images = images;
    this.tokens = tokens;
    this.settings = settings;
    this.batchDirs = batchDirs;
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public boolean acquire(Duration timeout) throws InterruptedException {
    return pool.reserve(timeout);
  }

  @Override
  public void release() {
    pool.unreserve();
  }

  @Override
  public void handle(GearmanJob job, JobReply reply) {
    jobs.execute(() -> {
      try {
        process(job, reply);
      } catch (RuntimeException e) {
        // Never let one job take the daemon down; the server marks its tasks failed.
        LOG.errorf(e, "%s: unexpected failure; replying WORK_FAIL", label(job));
        reply.fail();
      }
    });
  }

  /**
   * Stops taking jobs and waits up to {@code replies} for the jobs in hand to send their reply.
   * Call it after the pool's shutdown: every task has ended or been cancelled by then, so what is
   * left is encoding and writing the replies, which must happen before the connections close.
   */
  public void shutdown(Duration replies) throws InterruptedException {
    jobs.shutdown();
    if (!jobs.awaitTermination(replies.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      LOG.warnf("some replies were not sent within %s; gearmand will requeue those batches",
          replies);
    }
  }

  private void process(GearmanJob job, JobReply reply) {
    boolean reservationHeld = true;
    try {
      Optional<FunctionTable.Function> function = functions.get(job.function());
      if (function.isEmpty()) {
        LOG.errorf("%s: unknown function; replying WORK_FAIL", label(job));
        reply.fail();
        return;
      }
      Batch batch;
      try {
        batch = PayloadCodec.decode(job.data());
      } catch (PayloadException e) {
        LOG.errorf("%s: undecodable payload (%d bytes): %s; replying WORK_FAIL", label(job),
            job.data().length, e.getMessage());
        reply.fail();
        return;
      }
      Instant started = clock.instant();
      Map<String, CompletableFuture<TaskResult>> pending = new LinkedHashMap<>();
      FunctionTable.Function f = function.get();
      PreparedImage image;
      try {
        Optional<PreparedImage> here = images.ready(f.image());
        if (here.isEmpty()) {
          // A pull may take minutes: give the slot back so jobs on other images keep the whole
          // pool busy meanwhile. Once the image is here the tasks queue in the pool in order.
          LOG.infof("%s: preparing image %s; its container slot is free meanwhile", label(job),
              f.image());
          pool.unreserve();
          reservationHeld = false;
        }
        image = here.isPresent() ? here.get() : images.resolve(f.image());
      } catch (MrtException e) {
        for (Task t : batch.tasks()) {
          pending.put(t.uuid(), CompletableFuture.completedFuture(
              failed(1, "mrt: image " + f.image() + " is not usable: " + e.getMessage())));
        }
        image = null;
      }
      if (image != null) {
        if (f.mode() == FunctionsConfig.Mode.BATCH) {
          pending.putAll(submitBatch(f, image, batch));
        } else {
          for (Task t : batch.tasks()) {
            pending.put(t.uuid(), submitTask(f, image, t));
          }
        }
      }
      if (reservationHeld) {
        // Submitted: the tasks now count against the pool themselves.
        pool.unreserve();
        reservationHeld = false;
      }

      Map<String, TaskResult> results = new LinkedHashMap<>();
      for (Map.Entry<String, CompletableFuture<TaskResult>> e : pending.entrySet()) {
        try {
          results.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof TaskCancelledException) {
            // Shutting down: no reply, so gearmand hands the batch to another worker.
            LOG.infof("%s: not replying (%s); gearmand will requeue it", label(job),
                ex.getCause().getMessage());
            cancelAll(pending);
            return;
          }
          results.put(e.getKey(), failed(1, "mrt: " + ex.getCause()));
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          cancelAll(pending);
          return;
        }
      }
      byte[] payload = PayloadCodec.encodeResults(batch, results);
      boolean sent = reply.complete(payload);
      listener.batchFinished(f.name(), results.values(), Duration.between(started,
          clock.instant()));
      if (!sent) {
        LOG.warnf("%s: connection lost before the reply; gearmand will requeue it", label(job));
      }
    } finally {
      if (reservationHeld) {
        pool.unreserve();
      }
    }
  }

  private CompletableFuture<TaskResult> submitTask(FunctionTable.Function f, PreparedImage image,
      Task task) {
    List<String> argv;
    try {
      argv = new ArrayList<>(f.command());
      argv.addAll(tokens.arguments(task));
    } catch (PayloadException e) {
      return CompletableFuture.completedFuture(failed(1, "mrt: cannot split the arguments of "
          + "task " + task.uuid() + ": " + e.getMessage()));
    }
    TaskHandle handle = pool.submit(poolTask(f, image, request(f, argv, List.of())));
    return handle.outcome().thenApply(this::result);
  }

  /** Batch mode: the whole batch in one container, through {@link BatchFiles}. */
  private Map<String, CompletableFuture<TaskResult>> submitBatch(FunctionTable.Function f,
      PreparedImage image, Batch batch) {
    Map<String, CompletableFuture<TaskResult>> out = new LinkedHashMap<>();
    List<BatchFiles.Entry> entries = new ArrayList<>();
    for (Task t : batch.tasks()) {
      try {
        List<String> argv = new ArrayList<>(f.taskCommand());
        argv.addAll(tokens.arguments(t));
        entries.add(new BatchFiles.Entry(t, tokens.replace(t), argv));
      } catch (PayloadException e) {
        out.put(t.uuid(), CompletableFuture.completedFuture(failed(1,
            "mrt: cannot split the arguments of task " + t.uuid() + ": " + e.getMessage())));
      }
    }
    if (entries.isEmpty()) {
      return out;
    }
    java.nio.file.Path dir;
    try {
      java.nio.file.Files.createDirectories(batchDirs);
      dir = java.nio.file.Files.createTempDirectory(batchDirs, "batch-");
      BatchFiles.writeTasks(dir, f.name(), f.module(), entries);
    } catch (java.io.IOException e) {
      for (BatchFiles.Entry en : entries) {
        out.put(en.task().uuid(), CompletableFuture.completedFuture(failed(1,
            "mrt: cannot write the batch file: " + dev.mrt.IoErrors.describe(e))));
      }
      return out;
    }
    ContainerRequest base = request(f, f.command(),
        List.of(new BindMount(dir, BatchFiles.MOUNT_POINT, false)));
    Map<String, String> env = new LinkedHashMap<>(base.env());
    env.put("MRT_BATCH_TASKS", BatchFiles.MOUNT_POINT + "/" + BatchFiles.TASKS);
    env.put("MRT_BATCH_RESULTS", BatchFiles.MOUNT_POINT + "/" + BatchFiles.RESULTS);
    ContainerRequest request = new ContainerRequest(base.args(), env, base.workdir(),
        base.hostname(), base.network(), base.binds(), base.limits());
    CompletableFuture<Map<String, TaskResult>> all = pool.submit(poolTask(f, image, request))
        .outcome()
        .thenApply(o -> batchResults(o, dir, entries))
        .whenComplete((r, e) -> dev.mrt.bundle.BundleStore.removeTree(dir));
    for (BatchFiles.Entry en : entries) {
      out.put(en.task().uuid(), all.thenApply(m -> m.get(en.task().uuid())));
    }
    return out;
  }

  private Map<String, TaskResult> batchResults(TaskOutcome o, java.nio.file.Path dir,
      List<BatchFiles.Entry> entries) {
    TaskResult container = result(o);
    Map<String, BatchFiles.Reported> reported;
    String problem;
    try {
      reported = BatchFiles.readResults(dir);
      problem = "the batch runner reported no result for this task";
    } catch (java.io.IOException e) {
      reported = Map.of();
      problem = "the batch runner left no usable " + BatchFiles.RESULTS + " ("
          + e.getMessage() + ")";
    }
    Map<String, TaskResult> out = new LinkedHashMap<>();
    for (BatchFiles.Entry en : entries) {
      BatchFiles.Reported r = reported.get(en.task().uuid());
      out.put(en.task().uuid(), r != null
          ? new TaskResult(r.exitCode(), clock.instant(), r.stdout(), r.stderr())
          : new TaskResult(container.exitCode() == 0 ? 1 : container.exitCode(), clock.instant(),
              container.stdout(), container.stderror() + "mrt: " + problem + "\n"));
    }
    return out;
  }

  PoolTask poolTask(FunctionTable.Function f, PreparedImage image, ContainerRequest request) {
    return new PoolTask(image, request, f.timeout(), f.name(), f.concurrency(),
        settings.outputLimit());
  }

  /** The container for one of this function's processes: argv, environment, mounts. */
  ContainerRequest request(FunctionTable.Function f, List<String> argv, List<BindMount> more) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "C.UTF-8");
    env.put("PYTHONIOENCODING", "utf-8");
    env.putAll(f.env());
    List<BindMount> binds = new ArrayList<>();
    binds.add(settings.sharedDirectory());
    settings.clientAssets().ifPresent(binds::add);
    binds.addAll(settings.extraMounts());
    binds.addAll(more);
    return new ContainerRequest(argv, env, Optional.empty(), Optional.empty(), Network.HOST,
        binds, f.limits());
  }

  /** MCPClient's view of a container's end: exit code, output, and mrt's reason if it failed. */
  TaskResult result(TaskOutcome o) {
    String stderr = o.stderr().text();
    ContainerExit exit = o.exit();
    if (exit instanceof ContainerExit.TimedOut t) {
      stderr += "\nmrt: task timed out after " + t.after().toSeconds() + "s and was killed\n";
    } else if (exit instanceof ContainerExit.FailedToStart s) {
      stderr += "mrt: the task's container did not start: " + s.reason() + "\n";
    } else if (exit instanceof ContainerExit.Killed k) {
      stderr += "\nmrt: task killed: " + k.reason() + "\n";
    }
    if (!settings.captureOutput()) {
      return new TaskResult(exit.status(), clock.instant(), "", "");
    }
    return new TaskResult(exit.status(), clock.instant(), o.stdout().text(), stderr);
  }

  TaskResult failed(int exitCode, String reason) {
    return new TaskResult(exitCode, clock.instant(), "", reason + "\n");
  }

  private static void cancelAll(Map<String, CompletableFuture<TaskResult>> pending) {
    pending.values().forEach(f -> f.cancel(false));
  }
}
