package dev.mrt.pool;

import dev.mrt.MrtException;

/** The task did not run to an outcome that should be reported: cancelled or shut down. */
public final class TaskCancelledException extends MrtException {
  public TaskCancelledException(String reason) {
    super(reason);
  }
}
