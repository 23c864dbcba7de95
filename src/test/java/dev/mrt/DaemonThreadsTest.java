package dev.mrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void testFactory_unstartedDaemonsAllOfOneName() {
    ThreadFactory f = DaemonThreads.factory("mrt-test");
    Thread a = f.newThread(() -> {});
    Thread b = f.newThread(() -> {});
    assertEquals("mrt-test", a.getName());
    assertEquals("mrt-test", b.getName());
    assertTrue(a.isDaemon());
    // The executor starts them, not the factory.
    assertEquals(Thread.State.NEW, a.getState());
  }

  @Test
  void testNumbered_countsFromFirstPerFactory() {
    ThreadFactory f = DaemonThreads.numbered("mrt-slot-", 1);
    assertEquals("mrt-slot-1", f.newThread(() -> {}).getName());
    assertEquals("mrt-slot-2", f.newThread(() -> {}).getName());
    Thread other = DaemonThreads.numbered("gearman-", 0).newThread(() -> {});
    assertEquals("gearman-0", other.getName());
    assertTrue(other.isDaemon());
  }

  @Test
  void testStart_runsTheBodyOnANamedDaemon() throws Exception {
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    Thread t = DaemonThreads.start("mrt-probe", () -> ran.complete(Thread.currentThread()));
    assertEquals(t, ran.get(10, TimeUnit.SECONDS));
    assertEquals("mrt-probe", t.getName());
    assertTrue(t.isDaemon());
    t.join(10_000);
    assertFalse(t.isAlive());
  }
}
