package dev.mrt.pool;

/** Observes the pool (metrics). Called on pool threads: must be quick and must not throw. */
public interface PoolListener {
  default void poolChanged(PoolSnapshot snapshot) {}

  default void taskFinished(PoolTask task, TaskOutcome outcome) {}
}
