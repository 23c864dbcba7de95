package dev.mrt.pool;

import java.time.Duration;

/** Observes warm starts (metrics). Called on pool threads: must be quick and must not throw. */
public interface WarmListener {
  /** A task got a container started before it; {@code waited} for it to become ready. */
  void hit(String group, Duration waited);

  /** A task found none and had one made for it. */
  void miss(String group);

  /**
   * A warm container went without a job: expired, superseded (its function changed key, or the
   * bound in all made room for another), dead, unused (its task was killed first), shutdown.
   */
  void discarded(String group, String reason);
}
