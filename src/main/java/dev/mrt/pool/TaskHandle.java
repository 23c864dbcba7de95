package dev.mrt.pool;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A submitted task. Its outcome completes normally for every task that ran or tried to; it
 * completes with {@link TaskCancelledException} when the task was cancelled before it ran, or
 * killed because the pool shut down (then the caller should not report a result at all).
 */
public final class TaskHandle {
  private final PoolTask task;
  private final TaskControl control = new TaskControl();
  private final CompletableFuture<TaskOutcome> outcome = new CompletableFuture<>();
  private final ContainerPool pool;
  private volatile Instant startedAt;

  TaskHandle(PoolTask task, ContainerPool pool) {
    this.task = task;
    this.pool = pool;
  }

  public PoolTask task() {
    return task;
  }

  public CompletableFuture<TaskOutcome> outcome() {
    return outcome;
  }

  /** Removes the task if it still waits, or kills its container if it runs. */
  public void cancel(String reason) {
    if (!pool.dequeue(this, reason)) {
      control.kill(reason);
    }
  }

  /** When a slot took the task; empty while it waits. */
  public Optional<Instant> startedAt() {
    return Optional.ofNullable(startedAt);
  }

  void started() {
    startedAt = Instant.now();
  }

  TaskControl control() {
    return control;
  }
}
