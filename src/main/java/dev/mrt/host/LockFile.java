package dev.mrt.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A {@link FileLock} on a file that may be deleted once what it guards is gone, without a process
 * that opened it just before the deletion believing it holds the lock.
 *
 * <p>The protocol: only a holder of the exclusive lock deletes the file, and it first writes
 * {@value #TOMBSTONE} into it. A locker reads its own open file after locking: a tombstone means
 * the path was (or is being) unlinked and its lock protects nothing, so it closes and opens the
 * path again. This reads through the locker's descriptor, so unlike comparing inode numbers by path
 * it cannot be fooled by the path being re-created in between. Lock files are otherwise empty.
 *
 * <p>Within one JVM a second channel's lock would throw {@link OverlappingFileLockException}
 * instead of waiting, so blocking acquisition retries after a short sleep and {@link #tryAcquire}
 * reports the lock as busy: no JVM-wide registry of locks is needed.
 */
public final class LockFile implements AutoCloseable {
  static final String TOMBSTONE = "deleted";
  private static final long RETRY_MILLIS = 20;

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private LockFile(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits for the lock on {@code path}, creating the file if needed. */
  public static LockFile acquire(Path path, boolean shared) throws IOException {
    while (true) {
      FileChannel channel = open(path);
      FileLock lock;
      try {
        lock = lockWaiting(channel, path, shared);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      Optional<LockFile> live = live(path, channel, lock);
      if (live.isPresent()) {
        return live.get();
      }
    }
  }

  /** The exclusive lock on {@code path} if nobody holds it now, else empty. */
  public static Optional<LockFile> tryAcquire(Path path) throws IOException {
    while (true) {
      FileChannel channel = open(path);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        lock = null;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      Optional<LockFile> live = live(path, channel, lock);
      if (live.isPresent()) {
        return live;
      }
    }
  }

  /**
   * Deletes the lock file while holding its exclusive lock; the lock is released by {@link #close}.
   * Lockers waiting on this file retry on a fresh one.
   */
  public void delete() throws IOException {
    if (lock.isShared()) {
      throw new IllegalStateException("deleting " + path + " needs its exclusive lock");
    }
    channel.write(ByteBuffer.wrap(TOMBSTONE.getBytes(StandardCharsets.US_ASCII)), 0);
    Files.deleteIfExists(path);
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
    }
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(
        path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static FileLock lockWaiting(FileChannel channel, Path path, boolean shared)
      throws IOException {
    while (true) {
      try {
        return channel.lock(0, Long.MAX_VALUE, shared);
      } catch (OverlappingFileLockException e) {
        // Another thread of this JVM holds it; the OS lock would not make us wait.
        try {
          Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for " + path, interrupted);
        }
      }
    }
  }

  /** The lock, or empty (and closed) when its file was deleted before we got it. */
  private static Optional<LockFile> live(Path path, FileChannel channel, FileLock lock)
      throws IOException {
    ByteBuffer head = ByteBuffer.allocate(TOMBSTONE.length());
    channel.read(head, 0);
    if (TOMBSTONE.equals(new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII))) {
      lock.release();
      channel.close();
      return Optional.empty();
    }
    return Optional.of(new LockFile(path, channel, lock));
  }
}
