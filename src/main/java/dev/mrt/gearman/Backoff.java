package dev.mrt.gearman;

import java.time.Duration;
import java.util.Random;

/**
 * Capped exponential backoff with jitter for reconnecting to a gearmand. The jitter keeps a fleet
 * of workers from reconnecting in lockstep after gearmand restarts.
 *
 * @param initial delay before the first retry
 * @param max the cap; delays never exceed it
 */
public record Backoff(Duration initial, Duration max) {
  /** 100 ms doubling up to 30 s. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /**
   * Delay before retry number {@code attempt} (0 for the first): {@code initial * 2^attempt},
   * capped at {@code max}, then a random value in the upper half of that ("equal jitter"), so the
   * delay still grows but two workers rarely pick the same one.
   */
  public Duration delay(int attempt, Random random) {
    long capped = max.toMillis();
    long base = initial.toMillis();
    long exponential = attempt >= 62 ? capped : Math.min(capped, base << Math.min(attempt, 40));
    if (exponential <= 0) {
      exponential = capped;
    }
    long half = exponential / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (exponential - half + 1)));
  }
}
