package dev.mrt.image.tar;

import dev.mrt.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Threads that create and fill the small files of an archive while its reader parses on: the system
 * calls of one file (open, write, close, utimes) then overlap with reading the next. A bounded
 * number of bytes is held in flight. Only the reading thread calls these methods.
 */
final class FileWriters implements AutoCloseable {
  /** Larger files are written by the reader itself: holding them would cost more than it saves. */
  static final int MAX_FILE = 4 * 1024 * 1024;

  private static final int MAX_IN_FLIGHT = 32 * 1024 * 1024;

  /** One file's work: runs on a writer thread, never touches the reader's state. */
  @FunctionalInterface
  interface Write {
    void run() throws Exception;
  }

  private final ExecutorService threads;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final List<Future<?>> pending = new ArrayList<>();

  FileWriters(int threads) {
    this.threads = Executors.newFixedThreadPool(threads, DaemonThreads.factory("mrt-unpack-write"));
  }

  /**
   * One writer: measured on 2 cores, the default rootfs unpacked in ~200 ms warm with one writer
   * and ~500 ms with two (they contend for the same directories and the CPUs).
   */
  static FileWriters forHost() {
    return new FileWriters(1);
  }

  /**
   * Queues a file of {@code size} bytes; waits while too many bytes are in flight. A failure of an
   * earlier write is thrown here or by {@link #drain}.
   */
  void submit(int size, Write write) throws Exception {
    if (pending.size() >= 1024) {
      // Done ones may still hold a failure: collect it before forgetting them.
      for (Future<?> f : pending) {
        if (f.isDone()) {
          join(f);
        }
      }
      pending.removeIf(Future::isDone);
    }
    inFlight.acquire(size);
    try {
      pending.add(
          threads.submit(
              () -> {
                try {
                  write.run();
                  return null;
                } finally {
                  inFlight.release(size);
                }
              }));
    } catch (RuntimeException e) {
      inFlight.release(size);
      throw e;
    }
  }

  /** Waits for every queued file, failed or not; then throws the first failure. */
  void drain() throws Exception {
    Exception first = null;
    for (Future<?> f : pending) {
      try {
        join(f);
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    pending.clear();
    if (first != null) {
      throw first;
    }
  }

  /** Waits for what is queued, ignoring failures (the caller is failing already), and stops. */
  @Override
  public void close() {
    threads.shutdown();
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (ExecutionException | CancellationException ignored) {
        // The reader's own failure is the one reported.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    pending.clear();
  }

  private static void join(Future<?> f) throws Exception {
    try {
      f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
