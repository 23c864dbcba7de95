package dev.mrt.archivematica.db;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Archivematica's {@code Tasks} rows, kept as MCPClient keeps them: the start time of a batch's
 * tasks, then each task's end. Calls never block on the database: a reply to MCPServer must not
 * wait for (or be lost to) a slow or absent database.
 */
public interface TaskRows extends AutoCloseable {
  /** No database configured: nothing is written. */
  TaskRows NONE =
      new TaskRows() {
        @Override
        public void started(Collection<String> taskUuids, Instant at) {}

        @Override
        public void finished(List<Finished> tasks) {}
      };

  /** As MCPClient's {@code Job.bulk_set_start_times}: every task of a batch at once. */
  void started(Collection<String> taskUuids, Instant at);

  /** As {@code Job.update_task_status} (or {@code bulk_mark_failed}) for each task. */
  void finished(List<Finished> tasks);

  /** Writes what is queued, within a bound; what is left is logged. Nothing to do by default. */
  @Override
  default void close() {}

  /**
   * How one task ended, as its row should say.
   *
   * @param stdout written when present (output capture on); the row's value is kept otherwise
   * @param stderr likewise
   */
  record Finished(
      String taskUuid,
      int exitCode,
      Instant endTime,
      Optional<String> stdout,
      Optional<String> stderr) {}
}
