package dev.mrt.pool;

import dev.mrt.runtime.ContainerExit;
import java.time.Duration;

/**
 * What became of a task.
 *
 * @param startLatency from the slot taking the task to runc running it (bundle + runc start)
 * @param duration from the slot taking the task to the container being removed
 */
public record TaskOutcome(
    ContainerExit exit,
    CapturedOutput stdout,
    CapturedOutput stderr,
    Duration startLatency,
    Duration duration) {

  public boolean truncated() {
    return stdout.truncated() || stderr.truncated();
  }
}
