package dev.mrt.archivematica;

import static dev.mrt.archivematica.McpClientJobs.label;

import dev.mrt.archivematica.db.TaskRows;
import dev.mrt.gearman.GearmanJob;
import dev.mrt.gearman.JobReply;
import dev.mrt.pool.TaskCancelledException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * The end of one batch: waits for its run, writes the Tasks rows MCPClient's harness did not, tells
 * the listener, and replies as MCPClient would: WORK_COMPLETE with the results, WORK_FAIL when the
 * client script failed the whole batch, nothing at all when mrt is shutting down (gearmand then
 * requeues it).
 */
final class BatchEnd {
  private static final Logger LOG = Logger.getLogger(BatchEnd.class);

  private final TaskContainers containers;
  private final TaskRows rows;
  private final BatchListener listener;
  private final Clock clock;

  BatchEnd(TaskContainers containers, TaskRows rows, BatchListener listener, Clock clock) {
    this.containers = containers;
    this.rows = rows;
    this.listener = listener;
    this.clock = clock;
  }

  /** Waits for the batch's end, then writes its rows and replies (or not, on shutdown). */
  void collect(
      GearmanJob job,
      JobReply reply,
      FunctionTable.Function f,
      Batch batch,
      Instant started,
      CompletableFuture<BatchRun> run) {
    Optional<BatchRun> ran = await(job, batch, run);
    if (ran.isPresent()) {
      reply(job, reply, f, batch, ran.get(), started);
    }
  }

  /**
   * @return empty when mrt is shutting down: no reply then, so gearmand requeues the batch
   */
  private Optional<BatchRun> await(GearmanJob job, Batch batch, CompletableFuture<BatchRun> run) {
    try {
      return Optional.of(run.get());
    } catch (ExecutionException ex) {
      Throwable cause = TaskMode.unwrap(ex.getCause());
      if (cause instanceof TaskCancelledException) {
        LOG.infof(
            "%s: not replying (%s); gearmand will requeue it", label(job), cause.getMessage());
        // As MCPClient's bulk_mark_failed: the rows say what happened until a worker that
        // takes the batch again overwrites them.
        rows.finished(
            batch.tasks().stream()
                .map(
                    t ->
                        new TaskRows.Finished(
                            t.uuid(),
                            1,
                            clock.instant(),
                            Optional.empty(),
                            Optional.of(
                                "mrt: "
                                    + cause.getMessage()
                                    + "; gearmand hands the batch to another worker\n")))
                .toList());
        return Optional.empty();
      }
      LOG.errorf(cause, "%s: failed inside mrt; every task of it fails", label(job));
      return Optional.of(containers.allFailed(batch, "mrt: " + cause));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      run.cancel(false);
      return Optional.empty();
    }
  }

  private void reply(
      GearmanJob job,
      JobReply reply,
      FunctionTable.Function f,
      Batch batch,
      BatchRun ran,
      Instant started) {
    List<TaskRows.Finished> unwritten = new ArrayList<>();
    ran.results()
        .forEach(
            (uuid, r) -> {
              if (!ran.rowsWritten().contains(uuid)) {
                boolean capture = containers.settings().captureOutput();
                unwritten.add(
                    new TaskRows.Finished(
                        uuid,
                        r.exitCode(),
                        r.finishedTimestamp(),
                        capture ? Optional.of(r.stdout()) : Optional.empty(),
                        // As bulk_mark_failed, a failure's reason reaches the row even without
                        // capture.
                        capture || r.exitCode() != 0
                            ? Optional.of(r.stderror())
                            : Optional.empty()));
              }
            });
    rows.finished(unwritten);
    listener.batchFinished(
        f.name(), ran.results().values(), Duration.between(started, clock.instant()));
    if (ran.workFail().isPresent()) {
      LOG.errorf(
          "%s: the client script failed the whole batch (%s); replying WORK_FAIL",
          label(job), ran.workFail().get());
      reply.fail();
      return;
    }
    byte[] payload =
        PayloadCodec.encodeResults(batch, ran.results(), containers.settings().sendStderr());
    if (!reply.complete(payload)) {
      LOG.warnf("%s: connection lost before the reply; gearmand will requeue it", label(job));
    }
  }
}
