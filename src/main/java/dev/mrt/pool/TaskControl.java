package dev.mrt.pool;

import dev.mrt.bundle.Container;

/**
 * The link between a task's handle and its container, whichever comes first: a kill asked for
 * before the container exists is applied the moment it is attached.
 */
public final class TaskControl {
  private Container container;
  private String killReason;

  /** Called by the slot once the container is started. */
  public void attach(Container c) {
    String reason;
    synchronized (this) {
      container = c;
      reason = killReason;
    }
    if (reason != null) {
      c.kill(reason);
    }
  }

  /** Called by the slot when the container is gone. */
  public synchronized void detach() {
    container = null;
  }

  public synchronized boolean killed() {
    return killReason != null;
  }

  public synchronized String killReason() {
    return killReason;
  }

  void kill(String reason) {
    Container c;
    synchronized (this) {
      if (killReason == null) {
        killReason = reason;
      }
      c = container;
    }
    if (c != null) {
      c.kill(reason);
    }
  }
}
