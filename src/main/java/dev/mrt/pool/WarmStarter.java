package dev.mrt.pool;

import dev.mrt.bundle.Container;
import dev.mrt.runtime.Stdio;

/**
 * Starts containers before their job and hands jobs to them: what {@link WarmSlot} needs of the
 * bundle layer, so the slot's policy can be tested without runc.
 *
 * @param <K> what two tasks must share to take each other's containers
 * @param <W> a container waiting for its job
 */
public interface WarmStarter<K, W> {

  /**
   * The task's key.
   *
   * @throws dev.mrt.MrtException when the task could not start at all (its fresh start then reports
   *     why)
   */
  K key(PoolTask task);

  /** Starts a container for tasks of this one's key; blocks until it is ready, or throws. */
  W start(PoolTask task);

  boolean alive(W waiting);

  /**
   * Gives the task to a waiting container.
   *
   * @param key what {@link #key} returned for this very task
   * @throws dev.mrt.bundle.WarmStartException when it could not take it (it was discarded)
   */
  Container handOff(W waiting, K key, PoolTask task, Stdio stdio);

  /** Ends a container that got no job; nothing of it is left. */
  void discard(W waiting);
}
