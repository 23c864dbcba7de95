package dev.mrt.testing;

import dev.mrt.pool.CapturedOutput;
import dev.mrt.pool.PoolTask;
import dev.mrt.pool.Slot;
import dev.mrt.pool.TaskControl;
import dev.mrt.pool.TaskOutcome;
import dev.mrt.runtime.ContainerExit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A slot that stands in for containers: each task runs until the test releases a permit (or the
 * pool kills it), and the slot counts how many run at once, overall and per group.
 */
public final class GateSlot implements Slot {
  public final Semaphore release;
  public final AtomicInteger running = new AtomicInteger();
  public final AtomicInteger maxRunning = new AtomicInteger();
  public final ConcurrentHashMap<String, Integer> maxByGroup = new ConcurrentHashMap<>();

  /** Each task's first argument, in the order the tasks started. */
  public final List<String> order = Collections.synchronizedList(new ArrayList<>());

  /** Every task run, in the order they started. */
  public final List<PoolTask> tasks = Collections.synchronizedList(new ArrayList<>());

  private final ConcurrentHashMap<String, AtomicInteger> byGroup = new ConcurrentHashMap<>();
  private final Function<PoolTask, TaskOutcome> answer;

  /** Tasks wait for permits and then exit 0 with no output. */
  public GateSlot() {
    this(0, t -> outcome(new ContainerExit.Exited(0)));
  }

  /**
   * @param permits tasks that may end without waiting for the test
   * @param answer how a released task ends
   */
  public GateSlot(int permits, Function<PoolTask, TaskOutcome> answer) {
    this.release = new Semaphore(permits);
    this.answer = answer;
  }

  /** A slot whose tasks end at once, as {@code answer} says. */
  public static GateSlot open(Function<PoolTask, TaskOutcome> answer) {
    return new GateSlot(Integer.MAX_VALUE / 2, answer);
  }

  @Override
  public TaskOutcome run(PoolTask task, TaskControl control) {
    tasks.add(task);
    order.add(task.request().args().get(0));
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    int g = byGroup.computeIfAbsent(task.group(), k -> new AtomicInteger()).incrementAndGet();
    maxByGroup.merge(task.group(), g, Math::max);
    try {
      while (!release.tryAcquire(10, TimeUnit.MILLISECONDS)) {
        if (control.killed()) {
          return outcome(new ContainerExit.Killed(control.killReason()));
        }
      }
      return answer.apply(task);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      running.decrementAndGet();
      byGroup.get(task.group()).decrementAndGet();
    }
  }

  /** An outcome with no output and no time spent. */
  public static TaskOutcome outcome(ContainerExit exit) {
    return outcome(exit, "", "");
  }

  /** An outcome with this output and no time spent. */
  public static TaskOutcome outcome(ContainerExit exit, String stdout, String stderr) {
    return new TaskOutcome(
        exit,
        CapturedOutput.of(stdout, 1 << 20),
        CapturedOutput.of(stderr, 1 << 20),
        Duration.ZERO,
        Duration.ZERO);
  }
}
