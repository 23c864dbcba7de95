package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FileWritersTest {
  @Test
  void testDrain_waitsForAllThenThrowsTheFirstFailure() throws Exception {
    AtomicInteger done = new AtomicInteger();
    IOException boom = new IOException("disk full");
    try (FileWriters w = new FileWriters(1)) {
      w.submit(
          10,
          () -> {
            throw boom;
          });
      w.submit(
          10,
          () -> {
            Thread.sleep(50);
            done.incrementAndGet();
          });

      Exception e = assertThrows(Exception.class, w::drain);

      assertSame(boom, e);
      assertEquals(1, done.get(), "the write after the failure still finished before drain threw");
      w.drain(); // nothing left: a second drain neither waits nor throws again
    }
  }

  @Test
  void testClose_waitsForQueuedWrites() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger done = new AtomicInteger();
    FileWriters w = new FileWriters(1);
    w.submit(
        1,
        () -> {
          started.countDown();
          Thread.sleep(100);
          done.incrementAndGet();
        });
    assertTrue(started.await(5, TimeUnit.SECONDS));

    w.close();

    assertEquals(1, done.get(), "close returned while a write was still running");
  }
}
