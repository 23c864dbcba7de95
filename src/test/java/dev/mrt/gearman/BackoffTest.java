package dev.mrt.gearman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void testDelay_growsThenCaps() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
    Random random = new Random(42);
    for (int attempt = 0; attempt < 100; attempt++) {
      long expected = Math.min(30_000, 100L << Math.min(attempt, 20));
      long delay = backoff.delay(attempt, random).toMillis();
      assertTrue(
          delay >= expected / 2 && delay <= expected,
          "attempt " + attempt + ": " + delay + " not in [" + expected / 2 + ", " + expected + "]");
    }
  }

  @Test
  void testDelay_jitterSpreadsWorkers() {
    Backoff backoff = Backoff.DEFAULT;
    Random random = new Random(7);
    long first = backoff.delay(10, random).toMillis();
    boolean differs = false;
    for (int i = 0; i < 10; i++) {
      differs |= backoff.delay(10, random).toMillis() != first;
    }
    assertTrue(differs);
  }

  @Test
  void testNew_maxBelowInitial() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertEquals("backoff needs 0 < initial <= max, got PT2S and PT1S", e.getMessage());
  }
}
