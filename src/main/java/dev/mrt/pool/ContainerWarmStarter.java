package dev.mrt.pool;

import dev.mrt.bundle.Container;
import dev.mrt.bundle.WaitingContainer;
import dev.mrt.bundle.WarmKey;
import dev.mrt.bundle.WarmStarts;
import dev.mrt.runtime.Stdio;

/** Warm starts of real containers, through the bundle layer's {@link WarmStarts}. */
final class ContainerWarmStarter implements WarmStarter<WarmKey, WaitingContainer> {
  private final WarmStarts starts;

  ContainerWarmStarter(WarmStarts starts) {
    this.starts = starts;
  }

  @Override
  public WarmKey key(PoolTask task) {
    return starts.key(task.image(), task.request());
  }

  @Override
  public WaitingContainer start(PoolTask task) {
    return starts.start(task.image(), task.request());
  }

  @Override
  public boolean alive(WaitingContainer waiting) {
    return waiting.alive();
  }

  @Override
  public Container handOff(WaitingContainer waiting, WarmKey key, PoolTask task, Stdio stdio) {
    return starts.handOff(waiting, key, task.request(), stdio);
  }

  @Override
  public void discard(WaitingContainer waiting) {
    waiting.discard();
  }
}
