package dev.mrt.image;

import dev.mrt.image.registry.BlobSource;
import dev.mrt.image.registry.Descriptor;
import dev.mrt.image.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The blob transfers of one pull: fetched into the store through temp files, every byte told to the
 * progress and counted for the result. Used from the pull's threads at once.
 */
final class PullTransfers {
  private final BlobSource source;
  private final ImageStore store;
  private final ImagePuller.Progress progress;
  private final AtomicLong fetched = new AtomicLong();

  PullTransfers(BlobSource source, ImageStore store, ImagePuller.Progress progress) {
    this.source = source;
    this.store = store;
    this.progress = progress;
  }

  BlobSource source() {
    return source;
  }

  /** Bytes transferred so far. */
  long bytes() {
    return fetched.get();
  }

  /** Where a transfer reports what arrived (negative when it restarted). */
  LongConsumer counter() {
    return n -> {
      progress.transferred(n);
      fetched.addAndGet(n);
    };
  }

  /** Fetches {@code blobs} into the store; nothing is committed unless all arrived. */
  void fetch(List<Descriptor> blobs) {
    if (blobs.isEmpty()) {
      return;
    }
    Map<Descriptor, Path> temps = new ConcurrentHashMap<>();
    try {
      source.fetchBlobs(
          blobs, d -> temps.computeIfAbsent(d, x -> store.tempBlob(x.digest())), counter());
      blobs.forEach(d -> store.commit(temps.get(d), d.digest()));
    } finally {
      for (Path t : temps.values()) {
        try {
          Files.deleteIfExists(t);
        } catch (IOException ignored) {
          // A stray temp file is removed by gc.
        }
      }
    }
  }
}
