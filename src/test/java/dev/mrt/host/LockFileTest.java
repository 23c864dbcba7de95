package dev.mrt.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
  @TempDir Path dir;

  @Test
  void testTryAcquire_busyWhileHeldFreeAfter() throws Exception {
    Path path = dir.resolve("x.lock");
    try (LockFile held = LockFile.acquire(path, true)) {
      assertEquals(Optional.empty(), LockFile.tryAcquire(path));
    }
    Optional<LockFile> free = LockFile.tryAcquire(path);
    assertTrue(free.isPresent());
    free.get().close();
  }

  @Test
  void testDelete_removesTheFile() throws Exception {
    Path path = dir.resolve("x.lock");
    try (LockFile lock = LockFile.tryAcquire(path).orElseThrow()) {
      lock.delete();
      assertFalse(Files.exists(path));
    }
  }

  @Test
  void testDelete_needsTheExclusiveLock() throws Exception {
    try (LockFile shared = LockFile.acquire(dir.resolve("x.lock"), true)) {
      assertThrows(IllegalStateException.class, shared::delete);
    }
  }

  /**
   * A locker that opened the file before it was deleted must not end up holding the lock of the
   * deleted file: it would exclude nobody who opens the path afterwards.
   */
  @Test
  void testAcquire_waiterOnADeletedFileLocksTheNewOne() throws Exception {
    Path path = dir.resolve("x.lock");
    LockFile deleter = LockFile.tryAcquire(path).orElseThrow();
    CompletableFuture<LockFile> waiter =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return LockFile.acquire(path, false);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    Thread.sleep(200); // the waiter has opened the old file and waits for its lock
    assertFalse(waiter.isDone());
    deleter.delete();
    deleter.close();
    try (LockFile got = waiter.get(10, TimeUnit.SECONDS)) {
      assertTrue(Files.exists(path), "the waiter locks a file at the path");
      assertEquals(
          Optional.empty(),
          LockFile.tryAcquire(path),
          "whoever opens the path now finds it locked");
    }
  }
}
