package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands the small files of a fresh root to {@link FileWriters} threads, and knows when what they
 * hold must land first. Every path this run made or was asked to make is remembered: when the root
 * started empty, a path not among them does not exist, so a file for it can be made on a writer
 * thread without looking first; anything else (a replacement, a link, a removal, a look at the
 * path) waits for the writers. Reading thread only.
 */
final class Handoff {
  private final Path root;
  private final Cursor at;
  private final Set<Path> created = new HashSet<>();

  /** Writer threads while a fresh archive is being read; null otherwise. */
  private FileWriters writers;

  Handoff(Path root, Cursor at) {
    this.root = root;
    this.at = at;
    created.add(root);
  }

  /** Before an archive or layer; {@code fresh} when nothing under the root predates this run. */
  void start(boolean fresh) {
    writers = fresh ? FileWriters.forHost() : null;
  }

  /** After an archive or layer, on failure too: no write may land after the caller cleans up. */
  void stop() {
    if (writers != null) {
      writers.close();
      writers = null;
    }
  }

  /**
   * Records that an entry is about to make {@code path}; returns whether something of this run may
   * be there already.
   */
  boolean claim(Path path) {
    return !created.add(path);
  }

  /** Whether a file of {@code size} bytes for a path nobody made yet may go to a writer. */
  boolean takes(long size) {
    return writers != null && size <= FileWriters.MAX_FILE;
  }

  /** Queues one file's write; {@link #takes} said yes. */
  void submit(int size, FileWriters.Write write) {
    withWriters(() -> writers.submit(size, write));
  }

  /** Before looking at {@code path}: a file of that name may still be on its way. */
  void settle(Path path) {
    if (writers != null && created.contains(path)) {
      drain();
    }
  }

  /** Waits until every file handed to the writers is on disk; rethrows their failure. */
  void drain() {
    if (writers != null) {
      withWriters(writers::drain);
    }
  }

  /** Runs a writers call; what it throws becomes this archive's destination error. */
  private void withWriters(FileWriters.Write call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw at.destination(
          root,
          e instanceof IOException io
              ? io
              : new IOException(
                  e instanceof InterruptedException ? "interrupted while unpacking" : e.toString(),
                  e));
    }
  }
}
