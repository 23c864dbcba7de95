package dev.mrt.pool;

import dev.mrt.MrtException;
import dev.mrt.bundle.Container;
import dev.mrt.bundle.ContainerRunner;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.runtime.Stdio;
import java.time.Duration;

/** Makes a brand-new container for every task, from the task's prepared image. */
public final class FreshContainerSlot implements Slot {
  private final ContainerRunner runner;

  public FreshContainerSlot(ContainerRunner runner) {
    this.runner = runner;
  }

  @Override
  public TaskOutcome run(PoolTask task, TaskControl control) {
    return run(task, control, stdio -> start(task, stdio));
  }

  /** A container made now for the task. */
  Container start(PoolTask task, Stdio stdio) {
    return runner.start(task.image(), task.request(), stdio);
  }

  /** How a slot comes by the task's running container, given where its output goes. */
  interface Start {
    Container start(Stdio stdio);
  }

  /** Runs the task in the container {@code start} gives: the one path every slot's tasks take. */
  static TaskOutcome run(PoolTask task, TaskControl control, Start start) {
    long begin = System.nanoTime();
    OutputCapture out = new OutputCapture(task.outputLimit());
    OutputCapture err = new OutputCapture(task.outputLimit());
    Duration startLatency = Duration.ZERO;
    ContainerExit exit;
    if (control.killed()) {
      exit = new ContainerExit.Killed(control.killReason());
    } else {
      try (Container c = start.start(Stdio.captured(task.stdin(), out, err))) {
        startLatency = Duration.ofNanos(System.nanoTime() - begin);
        control.attach(c);
        exit = c.await(task.timeout());
      } catch (MrtException e) {
        // Bad image, missing command, unwritable state: this task fails, the pool goes on.
        exit = new ContainerExit.FailedToStart(e.getMessage(), e.exitCode());
      } finally {
        control.detach();
      }
    }
    return new TaskOutcome(
        exit,
        out.result(),
        err.result(),
        startLatency,
        Duration.ofNanos(System.nanoTime() - begin));
  }
}
