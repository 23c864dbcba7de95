package dev.mrt.archivematica;

import dev.mrt.image.PreparedImage;
import dev.mrt.pool.ContainerPool;
import dev.mrt.pool.TaskCancelledException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Task mode: every task of a batch in a fresh container of its own, all submitted at once. */
final class TaskMode {
  private final TaskContainers containers;
  private final ContainerPool pool;
  private final Tokens tokens;

  TaskMode(TaskContainers containers, ContainerPool pool, Tokens tokens) {
    this.containers = containers;
    this.pool = pool;
    this.tokens = tokens;
  }

  /**
   * @param reservation the job's pool slot, taken by the first task if still held
   */
  CompletableFuture<BatchRun> submit(
      FunctionTable.Function f,
      PreparedImage image,
      Batch batch,
      ContainerPool.Reservation reservation) {
    Map<String, CompletableFuture<TaskResult>> pending = new LinkedHashMap<>();
    for (Task task : batch.tasks()) {
      List<String> argv;
      try {
        argv = new ArrayList<>(f.command());
        argv.addAll(tokens.arguments(task));
      } catch (PayloadException e) {
        pending.put(
            task.uuid(), CompletableFuture.completedFuture(containers.unsplittable(task, e)));
        continue;
      }
      pending.put(
          task.uuid(),
          pool.submit(
                  containers.poolTask(f, image, containers.request(f, argv, Map.of(), List.of())),
                  reservation)
              .outcome()
              .thenApply(containers::result)
              .exceptionally(
                  e -> {
                    Throwable cause = unwrap(e);
                    if (cause instanceof TaskCancelledException c) {
                      throw new CompletionException(c);
                    }
                    return containers.failed(1, "mrt: " + cause);
                  }));
    }
    return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                // One cancelled (shutting down): the rest are moot, as no reply goes out.
                pending.values().forEach(p -> p.cancel(false));
              }
            })
        .thenApply(
            v -> {
              Map<String, TaskResult> results = new LinkedHashMap<>();
              pending.forEach((uuid, p) -> results.put(uuid, p.join()));
              return BatchRun.of(results);
            });
  }

  /** What went wrong, from under the CompletionException that stages wrap it in. */
  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
