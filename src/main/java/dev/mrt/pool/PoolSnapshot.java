package dev.mrt.pool;

/**
 * The pool at one instant.
 *
 * @param size how many containers may run at once
 * @param busy containers running
 * @param queued tasks accepted and waiting for a slot (or for their group's limit)
 */
public record PoolSnapshot(int size, int busy, int queued) {

  /** Slots that no accepted task is waiting for: what new work may claim. */
  public int free() {
    return Math.max(0, size - busy - queued);
  }
}
