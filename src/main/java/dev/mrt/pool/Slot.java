package dev.mrt.pool;

/**
 * Runs one task in a container that exists for that task alone. The slot, not the caller, decides
 * how the container comes to exist (made now, or prepared ahead of the task), so the pool can
 * change strategy without its callers knowing.
 */
public interface Slot {

  /**
   * Runs {@code task} to its end. The container is removed before this returns, whatever happened;
   * failures to start are reported in the outcome, not thrown.
   *
   * @param control lets the pool kill the running container (cancel, shutdown)
   */
  TaskOutcome run(PoolTask task, TaskControl control);

  /** Stops whatever the slot keeps ahead of tasks (warm containers): the pool is shutting down. */
  default void close() {}
}
