package dev.mrt.archivematica;

import dev.mrt.DaemonThreads;
import dev.mrt.MrtException;
import dev.mrt.archivematica.db.TaskRows;
import dev.mrt.bundle.BindMount;
import dev.mrt.config.FunctionsConfig;
import dev.mrt.gearman.GearmanJob;
import dev.mrt.gearman.JobHandler;
import dev.mrt.gearman.JobReply;
import dev.mrt.image.ImageResolver;
import dev.mrt.image.PreparedImage;
import dev.mrt.pool.ContainerPool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * MCPClient's job handling on top of the container pool: decodes a batch, runs each task in a fresh
 * container (or the whole batch in one, in batch mode and for the archivematica runner), and leaves
 * its end to {@link BatchEnd}, which keeps the Tasks rows MCPClient's harness would have written
 * and replies exactly as MCPClient would. Only an undecodable batch, an unknown function or a
 * script whose {@code call} raised is WORK_FAIL; everything else that goes wrong with a task is
 * that task's non-zero exit code with the reason in its stderror.
 */
public final class McpClientJobs implements JobHandler {
  private static final Logger LOG = Logger.getLogger(McpClientJobs.class);

  /** Gearman job id and batch, as a log prefix. */
  static String label(GearmanJob job) {
    return job.function() + " batch " + job.unique();
  }

  private final FunctionTable functions;
  private final ContainerPool pool;
  private final ImageResolver images;
  private final Tokens tokens;
  private final TaskContainers containers;
  private final BatchMode batchMode;
  private final TaskMode taskMode;
  private final TaskRows rows;
  private final BatchEnd batchEnd;
  private final Clock clock;
  private final ExecutorService jobs =
      Executors.newCachedThreadPool(DaemonThreads.factory("mrt-job"));

  /**
   * What every task container gets.
   *
   * @param sharedDirectory bind-mounted read-write at the same path
   * @param clientAssets bind-mounted read-only at the same path, when it exists
   * @param extraMounts the operator's further mounts
   * @param outputLimit bytes of stdout and of stderr kept per task
   * @param sendStderr send each task's stderror as {@code stderr} too
   * @param harnessScript the archivematica runner on this host, for functions that use it
   * @param harnessEnv what the archivematica runner's containers get of MCPClient's environment
   */
  public record Settings(
      BindMount sharedDirectory,
      Optional<BindMount> clientAssets,
      List<BindMount> extraMounts,
      int outputLimit,
      boolean captureOutput,
      boolean sendStderr,
      Optional<Path> harnessScript,
      Map<String, String> harnessEnv) {}

  public McpClientJobs(
      FunctionTable functions,
      ContainerPool pool,
      ImageResolver images,
      Tokens tokens,
      Settings settings,
      Path batchDirs,
      TaskRows rows,
      BatchListener listener,
      Clock clock) {
    this.functions = functions;
    this.pool = pool;
    this.images = images;
    this.tokens = tokens;
    this.containers = new TaskContainers(settings, clock);
    this.batchMode = new BatchMode(containers, pool, tokens, batchDirs, clock);
    this.taskMode = new TaskMode(containers, pool, tokens);
    this.rows = rows;
    this.batchEnd = new BatchEnd(containers, rows, listener, clock);
    this.clock = clock;
  }

  @Override
  public Optional<JobHandler.Claim> acquire(Duration timeout) throws InterruptedException {
    return pool.reserve(timeout).map(JobClaim::new);
  }

  /** A pool reservation as the worker's claim: the job's once handed over, else given back. */
  private final class JobClaim implements JobHandler.Claim {
    private final ContainerPool.Reservation reservation;

    /** Only the worker's server thread uses a claim. */
    private boolean handed;

    JobClaim(ContainerPool.Reservation reservation) {
      this.reservation = reservation;
    }

    @Override
    public void handle(GearmanJob job, JobReply reply) {
      jobs.execute(
          () -> {
            try {
              process(job, reply, reservation);
            } catch (RuntimeException e) {
              // Never let one job take the daemon down; the server marks its tasks failed.
              LOG.errorf(e, "%s: unexpected failure; replying WORK_FAIL", label(job));
              reply.fail();
            }
          });
      handed = true;
    }

    @Override
    public void close() {
      if (!handed) {
        reservation.close();
      }
    }
  }

  /**
   * Stops taking jobs and waits up to {@code replies} for the jobs in hand to send their reply.
   * Call it after the pool's shutdown: every task has ended or been cancelled by then, so what is
   * left is encoding and writing the replies, which must happen before the connections close.
   */
  public void shutdown(Duration replies) throws InterruptedException {
    jobs.shutdown();
    if (!jobs.awaitTermination(replies.toMillis(), TimeUnit.MILLISECONDS)) {
      LOG.warnf(
          "some replies were not sent within %s; gearmand will requeue those batches", replies);
    }
  }

  /** A batch decoded for a function this worker knows. */
  private record Accepted(FunctionTable.Function function, Batch batch, Instant started) {}

  /** The reservation is given back or passed on to the tasks before the wait for their end. */
  private void process(GearmanJob job, JobReply reply, ContainerPool.Reservation reservation) {
    Accepted accepted;
    CompletableFuture<BatchRun> run;
    try (reservation) {
      Optional<Accepted> decoded = decode(job);
      if (decoded.isEmpty()) {
        reply.fail();
        return;
      }
      accepted = decoded.get();
      run = submit(job, accepted, reservation);
    }
    batchEnd.collect(job, reply, accepted.function(), accepted.batch(), accepted.started(), run);
  }

  /**
   * @return empty, logged, for an unknown function or an undecodable payload: WORK_FAIL
   */
  private Optional<Accepted> decode(GearmanJob job) {
    Optional<FunctionTable.Function> function = functions.get(job.function());
    if (function.isEmpty()) {
      LOG.errorf("%s: unknown function; replying WORK_FAIL", label(job));
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Accepted(function.get(), PayloadCodec.decode(job.data()), clock.instant()));
    } catch (PayloadException e) {
      LOG.errorf(
          "%s: undecodable payload (%d bytes): %s; replying WORK_FAIL",
          label(job), job.data().length, e.getMessage());
      return Optional.empty();
    }
  }

  /** Resolves the image and hands the batch to the pool; the first task takes the reservation. */
  private CompletableFuture<BatchRun> submit(
      GearmanJob job, Accepted accepted, ContainerPool.Reservation reservation) {
    FunctionTable.Function f = accepted.function();
    Batch batch = accepted.batch();
    try {
      PreparedImage image = prepare(job, f, reservation);
      if (!f.harness()) {
        // MCPClient's harness sets these itself, inside the container.
        rows.started(batch.tasks().stream().map(Task::uuid).toList(), clock.instant());
      }
      return f.mode() == FunctionsConfig.Mode.BATCH
          ? batchMode.submit(f, image, batch, reservation)
          : taskMode.submit(f, image, batch, reservation);
    } catch (MrtException e) {
      return CompletableFuture.completedFuture(
          containers.allFailed(
              batch, "mrt: image " + f.image() + " is not usable: " + e.getMessage()));
    }
  }

  /** The function's image; gives the reservation back first when it has to be prepared. */
  private PreparedImage prepare(
      GearmanJob job, FunctionTable.Function f, ContainerPool.Reservation reservation) {
    Optional<PreparedImage> here = images.ready(f.image());
    if (here.isPresent()) {
      return here.get();
    }
    // A pull may take minutes: give the slot back so jobs on other images keep the whole pool
    // busy meanwhile. Once the image is here the tasks queue in the pool in order.
    LOG.infof(
        "%s: preparing image %s; its container slot is free meanwhile", label(job), f.image());
    reservation.close();
    return images.resolve(f.image());
  }
}
