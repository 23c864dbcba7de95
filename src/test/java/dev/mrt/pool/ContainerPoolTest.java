package dev.mrt.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.bundle.ContainerRequest;
import dev.mrt.image.PreparedImage;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.testing.Await;
import dev.mrt.testing.GateSlot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Scheduling logic with a slot that stands in for containers ({@link GateSlot}): no runc. */
class ContainerPoolTest {
  private static final PreparedImage IMAGE = new PreparedImage("t", "sha256:0", Path.of("/"));

  private static PoolTask task(String name, String group, OptionalInt limit) {
    return new PoolTask(IMAGE, ContainerRequest.of(name), Optional.empty(), group, limit, 1024);
  }

  /** A reservation the test expects to get at once. */
  private static ContainerPool.Reservation held(ContainerPool pool) throws InterruptedException {
    return pool.reserve(Duration.ofMillis(10)).orElseThrow();
  }

  @Test
  void testSubmit_neverRunsMoreThanSize() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(2, slot);
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      handles.add(pool.submit(task("t" + i, "f", OptionalInt.empty())));
    }
    Await.until(() -> slot.running.get() == 2);
    assertEquals(new PoolSnapshot(2, 2, 4), pool.snapshot());
    slot.release.release(6);
    for (TaskHandle h : handles) {
      assertEquals(0, h.outcome().get(10, TimeUnit.SECONDS).exit().status());
    }
    assertEquals(2, slot.maxRunning.get());
    assertEquals(
        List.of("t0", "t1", "t2", "t3", "t4", "t5").subList(0, 2),
        slot.order.subList(0, 2).stream().sorted().toList());
  }

  @Test
  void testHasCapacity_countsQueuedTasks() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(2, slot);
    assertTrue(pool.hasCapacity());
    pool.submit(task("a", "f", OptionalInt.empty()));
    assertTrue(pool.hasCapacity());
    pool.submit(task("b", "f", OptionalInt.empty()));
    assertFalse(pool.hasCapacity());
    slot.release.release(1);
    Await.until(pool::hasCapacity);
    slot.release.release(1);
  }

  @Test
  void testReserve_holdsSlotUntilWorkArrives() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(2, slot);
    ContainerPool.Reservation first = held(pool);
    ContainerPool.Reservation second = held(pool);
    assertEquals(new PoolSnapshot(2, 0, 2), pool.snapshot());
    // The reserved work arrives: a batch of three tasks takes the place of the reservation.
    for (int i = 0; i < 3; i++) {
      pool.submit(task("b" + i, "f", OptionalInt.empty()), first);
    }
    Await.until(() -> slot.running.get() == 2);
    assertFalse(pool.hasCapacity(), "queued batch tasks and the other reservation fill it");
    second.close();
    CountDownLatch reserved = new CountDownLatch(1);
    new Thread(
            () -> {
              try {
                if (pool.reserve(Duration.ofSeconds(10)).isPresent()) {
                  reserved.countDown();
                }
              } catch (InterruptedException ignored) {
                // the test fails on the latch
              }
            })
        .start();
    assertFalse(reserved.await(100, TimeUnit.MILLISECONDS), "batch tasks still queued");
    slot.release.release(3);
    assertTrue(reserved.await(10, TimeUnit.SECONDS), "a slot frees once the batch drains");
  }

  @Test
  void testReserve_timesOutEmptyWhenFull() throws Exception {
    ContainerPool pool = new ContainerPool(1, new GateSlot());
    held(pool);

    assertEquals(Optional.empty(), pool.reserve(Duration.ofMillis(50)));
    assertEquals(new PoolSnapshot(1, 0, 1), pool.snapshot());
  }

  @Test
  void testReserve_emptyAfterShutdown() throws Exception {
    ContainerPool pool = new ContainerPool(1, new GateSlot());
    pool.shutdown(Duration.ZERO);

    assertEquals(Optional.empty(), pool.reserve(Duration.ofSeconds(10)));
  }

  @Test
  void testClose_releasesOnce() throws Exception {
    ContainerPool pool = new ContainerPool(2, new GateSlot());
    ContainerPool.Reservation kept = held(pool);
    ContainerPool.Reservation r = held(pool);
    r.close();
    r.close();

    assertEquals(new PoolSnapshot(2, 0, 1), pool.snapshot(), "the other reservation stays");
    kept.close();
    assertEquals(new PoolSnapshot(2, 0, 0), pool.snapshot());
  }

  @Test
  void testSubmit_consumesReservation() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(1, slot);
    ContainerPool.Reservation r = held(pool);

    TaskHandle h = pool.submit(task("a", "f", OptionalInt.empty()), r);
    Await.until(() -> slot.running.get() == 1);
    assertEquals(new PoolSnapshot(1, 1, 0), pool.snapshot(), "the task holds the slot now");
    r.close();
    assertEquals(new PoolSnapshot(1, 1, 0), pool.snapshot(), "closing after submit does nothing");
    slot.release.release(1);
    assertEquals(0, h.outcome().get(10, TimeUnit.SECONDS).exit().status());
    Await.until(pool::hasCapacity);
  }

  @Test
  void testSubmit_closedReservationIsPlainSubmit() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(2, slot);
    ContainerPool.Reservation r = held(pool);
    ContainerPool.Reservation other = held(pool);
    r.close();

    pool.submit(task("a", "f", OptionalInt.empty()), r);
    pool.submit(task("b", "f", OptionalInt.empty()), r);
    assertEquals(
        3,
        pool.snapshot().busy() + pool.snapshot().queued(),
        "two tasks and the other reservation");
    other.close();
    slot.release.release(2);
  }

  @Test
  void testSubmit_reservationOfAnotherPoolThrows() throws Exception {
    ContainerPool pool = new ContainerPool(1, new GateSlot());
    ContainerPool.Reservation foreign = held(new ContainerPool(1, new GateSlot()));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> pool.submit(task("a", "f", OptionalInt.empty()), foreign));
    assertEquals("container pool: a reservation of another pool", e.getMessage());
  }

  @Test
  void testSubmit_shutdownLeavesReservationToClose() throws Exception {
    ContainerPool pool = new ContainerPool(1, new GateSlot());
    ContainerPool.Reservation r = held(pool);
    pool.shutdown(Duration.ZERO);

    assertThrows(
        TaskCancelledException.class, () -> pool.submit(task("late", "f", OptionalInt.empty()), r));
    assertEquals(new PoolSnapshot(1, 0, 1), pool.snapshot());
    r.close();
    assertEquals(new PoolSnapshot(1, 0, 0), pool.snapshot());
  }

  @Test
  void testGroupLimit_keepsSerialFunctionSerialWhileOthersPass() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(3, slot);
    List<TaskHandle> hs = new ArrayList<>();
    hs.add(pool.submit(task("s1", "serial", OptionalInt.of(1))));
    hs.add(pool.submit(task("s2", "serial", OptionalInt.of(1))));
    hs.add(pool.submit(task("o1", "other", OptionalInt.empty())));
    Await.until(() -> slot.running.get() == 2);
    assertEquals(List.of("o1", "s1"), slot.order.stream().sorted().toList());
    slot.release.release(3);
    for (TaskHandle h : hs) {
      h.outcome().get(10, TimeUnit.SECONDS);
    }
    assertEquals(1, slot.maxByGroup.get("serial"));
  }

  @Test
  void testCancel_queuedTaskNeverRuns() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(1, slot);
    TaskHandle first = pool.submit(task("first", "f", OptionalInt.empty()));
    TaskHandle second = pool.submit(task("second", "f", OptionalInt.empty()));
    second.cancel("not wanted");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> second.outcome().get(5, TimeUnit.SECONDS));
    assertInstanceOf(TaskCancelledException.class, e.getCause());
    slot.release.release(1);
    first.outcome().get(5, TimeUnit.SECONDS);
    assertEquals(List.of("first"), slot.order);
  }

  @Test
  void testCancel_runningTaskIsKilled() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(1, slot);
    TaskHandle h = pool.submit(task("long", "f", OptionalInt.empty()));
    Await.until(() -> slot.running.get() == 1);
    h.cancel("DELETE");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> h.outcome().get(5, TimeUnit.SECONDS));
    assertEquals("DELETE", e.getCause().getMessage());
  }

  @Test
  void testShutdown_drainsThenKillsAndRefusesNewWork() throws Exception {
    GateSlot slot = new GateSlot();
    ContainerPool pool = new ContainerPool(1, slot);
    TaskHandle quick = pool.submit(task("quick", "f", OptionalInt.empty()));
    TaskHandle stuck = pool.submit(task("stuck", "f", OptionalInt.empty()));
    slot.release.release(1);
    CountDownLatch done = new CountDownLatch(1);
    new Thread(
            () -> {
              pool.shutdown(Duration.ofMillis(300));
              done.countDown();
            })
        .start();
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(0, quick.outcome().get().exit().status());
    ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.outcome().get());
    assertInstanceOf(TaskCancelledException.class, e.getCause());
    assertThrows(
        TaskCancelledException.class, () -> pool.submit(task("late", "f", OptionalInt.empty())));
    assertFalse(pool.hasCapacity());
  }

  @Test
  void testSlotThrowing_failsTaskButNotPool() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ContainerPool pool =
        new ContainerPool(
            1,
            (t, c) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
              }
              return GateSlot.outcome(new ContainerExit.Exited(3));
            });
    TaskHandle bad = pool.submit(task("a", "f", OptionalInt.empty()));
    TaskHandle good = pool.submit(task("b", "f", OptionalInt.empty()));
    assertThrows(ExecutionException.class, () -> bad.outcome().get(5, TimeUnit.SECONDS));
    assertEquals(3, good.outcome().get(5, TimeUnit.SECONDS).exit().status());
  }

  @Test
  void testOutputCapture_truncatesWithMarker() {
    OutputCapture c = new OutputCapture(5);
    c.write("hello world".getBytes(), 0, 11);
    CapturedOutput out = c.result();
    assertEquals("hello", new String(out.kept()));
    assertEquals(6, out.dropped());
    assertEquals("hello\n[mrt: output truncated, 6 more bytes dropped]\n", out.text());
  }
}
