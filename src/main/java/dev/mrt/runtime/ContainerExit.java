package dev.mrt.runtime;

import java.time.Duration;

/** How one container run ended. */
public sealed interface ContainerExit {

  /** The status a shell would report: the exit code, or 128 + signal number when killed. */
  int status();

  /** The process ran and ended on its own (runc reports a signal death as 128 + signal). */
  record Exited(int status) implements ContainerExit {}

  /** The timeout passed and mrt killed the container. Status 124, as coreutils' timeout. */
  record TimedOut(Duration after) implements ContainerExit {
    public int status() {
      return 124;
    }
  }

  /** Killed on request (job cancelled, daemon shutting down). */
  record Killed(String reason) implements ContainerExit {
    public int status() {
      return 137;
    }
  }

  /**
   * runc could not create or start the container; the command never ran.
   *
   * @param reason runc's own error, unchanged
   */
  record FailedToStart(String reason, int status) implements ContainerExit {}
}
