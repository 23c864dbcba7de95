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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A bounded number of container slots. Tasks wait in arrival order; a task whose group is at its
 * limit lets later tasks of other groups pass. Callers ask {@link #hasCapacity}, or hold a {@link
 * Reservation}, before taking new work, so work is only accepted when a slot is free for it
 * (backpressure).
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
   * <p>The caller owns the reservation until it either closes it (no work came, or the work will
   * wait elsewhere first) or hands it to {@link #submit(PoolTask, Reservation)}.
   *
   * @return empty when none became free in time or the pool is shutting down
   */
  public synchronized Optional<Reservation> reserve(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasCapacity()) {
      long left = deadline - System.nanoTime();
      if (closed || left <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }
    reserved++;
    return Optional.of(new Reservation(this));
  }

  /**
   * Accepts a task. Accepting never blocks; callers bound their own intake with {@link
   * #hasCapacity} or {@link #reserve}.
   *
   * @throws TaskCancelledException when the pool is shutting down
   */
  public TaskHandle submit(PoolTask task) {
    return enqueue(task, Optional.empty());
  }

  /**
   * Accepts a task in the place of a reservation: when {@code reservation} still holds its slot,
   * the slot now belongs to the task, in one step, so no other intake can take it in between. A
   * reservation already closed or consumed (the second task of a batch) makes this a plain {@link
   * #submit(PoolTask)}.
   *
   * @throws TaskCancelledException when the pool is shutting down; the reservation is then still
   *     the caller's to close
   */
  public TaskHandle submit(PoolTask task, Reservation reservation) {
    if (reservation.pool != this) {
      throw new IllegalArgumentException("container pool: a reservation of another pool");
    }
    return enqueue(task, Optional.of(reservation));
  }

  private TaskHandle enqueue(PoolTask task, Optional<Reservation> reservation) {
    TaskHandle handle = new TaskHandle(task, this);
    synchronized (this) {
      if (closed) {
        throw new TaskCancelledException("mrt is shutting down; not accepting tasks");
      }
      if (reservation.map(Reservation::take).orElse(false)) {
        // The slot passes from the reservation to the task: what counts against the pool stays.
        reserved--;
      }
      queue.addLast(handle);
    }
    dispatch();
    return handle;
  }

  /** Gives a reservation's slot back; called once per reservation, by it. */
  private void unreserve() {
    synchronized (this) {
      reserved--;
      notifyAll();
    }
    changed();
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

  /**
   * One slot held by {@link #reserve} for work about to arrive. It gives its slot back exactly
   * once: on the first {@link #close}, unless {@link #submit(PoolTask, Reservation)} took the slot
   * for a task first. Closing again, or after submit, does nothing, so a slot can never be released
   * twice.
   */
  public static final class Reservation implements AutoCloseable {
    private final ContainerPool pool;

    /** Guarded by {@code pool}: true until the slot is given back or taken by a task. */
    private boolean held = true;

    private Reservation(ContainerPool pool) {
      this.pool = pool;
    }

    /** True the first time only: the caller now gives the slot back or passes it on. */
    private boolean take() {
      synchronized (pool) {
        boolean was = held;
        held = false;
        return was;
      }
    }

    @Override
    public void close() {
      if (take()) {
        pool.unreserve();
      }
    }
  }
}
