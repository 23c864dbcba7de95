package dev.mrt.pool;

import dev.mrt.DaemonThreads;
import dev.mrt.runtime.ContainerExit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A bounded number of container slots. Tasks wait in arrival order; a task whose group is at its
 * limit lets later tasks of other groups pass. Callers ask {@link #hasCapacity} before taking
 * new work, so work is only accepted when a slot is free for it (backpressure).
 */
public final class ContainerPool {
  private static final Logger LOG = Logger.getLogger(ContainerPool.class);

  private final int size;
  private final Slot slot;
  private final ExecutorService workers;
  private final ArrayDeque<TaskHandle> queue = new ArrayDeque<>();
  private final List<TaskHandle> running = new ArrayList<>();
  private final Map<String, Integer> runningByGroup = new HashMap<>();
  private final List<PoolListener> listeners = new ArrayList<>();
  private int reserved;
  private boolean closed;

  public ContainerPool(int size, Slot slot) {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be at least 1, was " + size);
    }
    this.size = size;
    this.slot = slot;
    this.workers = Executors.newFixedThreadPool(size, DaemonThreads.numbered("mrt-slot-", 1));
  }

  public void addListener(PoolListener listener) {
    synchronized (this) {
      listeners.add(listener);
    }
  }

  public int size() {
    return size;
  }

  /** True when a newly accepted task would start at once. */
  public synchronized boolean hasCapacity() {
    return !closed && running.size() + queue.size() + reserved < size;
  }

  public synchronized PoolSnapshot snapshot() {
    return new PoolSnapshot(size, running.size(), queue.size() + reserved);
  }

  /**
   * Holds a free slot for work that is about to arrive (a Gearman job being grabbed), so two
   * intakes never both count on the same free slot. Waits up to {@code timeout} for one.
   *
   * @return false when none became free in time or the pool is shutting down
   */
  public synchronized boolean reserve(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasCapacity()) {
      long left = deadline - System.nanoTime();
      if (closed || left <= 0) {
        return false;
      }
      wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }
    reserved++;
    return true;
  }

  /**
   * Gives back a reservation: the work came and was submitted, or never came.
   *
   * @throws IllegalStateException when no reservation is held: a caller released twice, which
   *     would otherwise go unseen and could give away a slot another intake counts on
   */
  public void unreserve() {
    synchronized (this) {
      if (reserved == 0) {
        throw new IllegalStateException(
            "container pool: unreserve() without a reservation held; a slot was released twice");
      }
      reserved--;
      notifyAll();
    }
    changed();
  }

  /**
   * Accepts a task. Accepting never blocks; callers bound their own intake with {@link
   * #hasCapacity}.
   *
   * @throws TaskCancelledException when the pool is shutting down
   */
  public TaskHandle submit(PoolTask task) {
    TaskHandle handle = new TaskHandle(task, this);
    synchronized (this) {
      if (closed) {
        throw new TaskCancelledException("mrt is shutting down; not accepting tasks");
      }
      queue.addLast(handle);
    }
    dispatch();
    return handle;
  }

  /**
   * Stops accepting tasks, lets accepted ones run for up to {@code drain}, then kills the rest.
   * Killed and never-started tasks complete with {@link TaskCancelledException}.
   */
  public void shutdown(Duration drain) {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    slot.close();
    long deadline = System.nanoTime() + drain.toNanos();
    synchronized (this) {
      while (!(running.isEmpty() && queue.isEmpty()) && System.nanoTime() < deadline) {
        try {
          wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    List<TaskHandle> left;
    synchronized (this) {
      for (TaskHandle h : queue) {
        h.outcome().completeExceptionally(new TaskCancelledException("mrt shut down"));
      }
      queue.clear();
      left = List.copyOf(running);
    }
    if (!left.isEmpty()) {
      LOG.warnf("drain time over: killing %d running task(s)", left.size());
    }
    for (TaskHandle h : left) {
      h.control().kill("mrt shut down");
    }
    workers.shutdown();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes a waiting task; false when it is not waiting (running or done). */
  boolean dequeue(TaskHandle handle, String reason) {
    synchronized (this) {
      if (!queue.remove(handle)) {
        return false;
      }
      notifyAll();
    }
    handle.outcome().completeExceptionally(new TaskCancelledException(reason));
    changed();
    return true;
  }

  private void dispatch() {
    List<TaskHandle> starting = new ArrayList<>();
    synchronized (this) {
      Iterator<TaskHandle> it = queue.iterator();
      while (running.size() < size && it.hasNext()) {
        TaskHandle h = it.next();
        PoolTask t = h.task();
        int inGroup = runningByGroup.getOrDefault(t.group(), 0);
        if (t.groupLimit().isPresent() && inGroup >= t.groupLimit().getAsInt()) {
          continue;
        }
        it.remove();
        running.add(h);
        runningByGroup.merge(t.group(), 1, Integer::sum);
        starting.add(h);
      }
    }
    for (TaskHandle h : starting) {
      h.started();
      workers.execute(() -> runTask(h));
    }
    changed();
  }

  private void runTask(TaskHandle h) {
    TaskOutcome outcome = null;
    RuntimeException failure = null;
    try {
      outcome = slot.run(h.task(), h.control());
    } catch (RuntimeException e) {
      // A slot must not throw; if it does, this task fails and the slot thread lives on.
      LOG.errorf(e, "slot failed unexpectedly");
      failure = e;
    }
    synchronized (this) {
      running.remove(h);
      runningByGroup.merge(h.task().group(), -1, Integer::sum);
      notifyAll();
    }
    if (failure != null) {
      h.outcome().completeExceptionally(failure);
      dispatch();
      return;
    }
    for (PoolListener l : listeners()) {
      l.taskFinished(h.task(), outcome);
    }
    if (h.control().killed() && outcome.exit() instanceof ContainerExit.Killed) {
      h.outcome().completeExceptionally(new TaskCancelledException(h.control().killReason()));
    } else {
      h.outcome().complete(outcome);
    }
    dispatch();
  }

  private synchronized List<PoolListener> listeners() {
    return List.copyOf(listeners);
  }

  private void changed() {
    PoolSnapshot s = snapshot();
    for (PoolListener l : listeners()) {
      l.poolChanged(s);
    }
  }
}
