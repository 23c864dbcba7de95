package dev.mrt.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Polls for what another thread brings about. */
public final class Await {
  private Await() {}

  /** Waits up to 10 seconds for {@code condition}, failing the test when it is not reached. */
  public static void until(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not reached");
      Thread.sleep(5);
    }
  }
}
