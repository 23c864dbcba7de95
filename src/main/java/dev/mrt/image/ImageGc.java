package dev.mrt.image;

import dev.mrt.MrtException;
import dev.mrt.host.FileTrees;
import dev.mrt.image.registry.ManifestReader;
import dev.mrt.image.store.CacheLayout;
import dev.mrt.image.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Frees the image cache: blobs no name refers to, the prepared root filesystems of forgotten
 * images, and (with a budget) those of the least recently used images, never one a live mrt process
 * uses ({@link RootfsUse}) or is preparing; with each go its {@code .lock} and {@code .inuse}
 * files. Names and their blobs stay: an evicted root filesystem is unpacked again, from the local
 * blobs, on next use.
 */
public final class ImageGc {
  private static final Logger LOG = Logger.getLogger(ImageGc.class);

  /** What one run removed. */
  public record Report(int blobs, int unpacked, long bytes) {}

  private final ImageStore store;
  private final RootfsUse use;

  public ImageGc(ImageStore store, RootfsUse use) {
    this.store = store;
    this.use = use;
  }

  public Report collect(OptionalLong budget) {
    CacheLayout layout = store.layout();
    List<ImageStore.Entry> entries = store.entries();
    Set<Digest> keepBlobs = new HashSet<>();
    Set<Path> keepRootfs = new HashSet<>();
    for (ImageStore.Entry e : entries) {
      keepBlobs.add(e.manifest());
      keepRootfs.add(layout.imageRootfs(e.manifest()));
      try {
        keepBlobs.addAll(ManifestReader.blobsOf(Files.readAllBytes(layout.blob(e.manifest()))));
      } catch (IOException missing) {
        // Its manifest is gone: its blobs are unreachable anyway.
      }
    }
    int blobs = 0;
    int unpacked = 0;
    long bytes = 0;
    for (CacheLayout.BlobFile file : listed(layout.blobs(), layout::blobFiles)) {
      Path blob = file.path();
      if (file instanceof CacheLayout.Foreign) {
        // Not a blob mrt wrote (someone's stray file): neither stop gc at it nor delete it.
        LOG.warnf("image gc: skipping %s, whose name is not a sha256 digest", blob);
        continue;
      }
      boolean stale = file instanceof CacheLayout.Partial && olderThanAnHour(blob);
      if (stale || (file instanceof CacheLayout.Blob b && !keepBlobs.contains(b.digest()))) {
        bytes += size(blob);
        delete(blob);
        blobs++;
      }
    }
    for (Path rootfs : listed(layout.imageRootfsDir(), layout::imageRootfsEntries)) {
      if (!keepRootfs.contains(rootfs)) {
        long s = size(rootfs);
        if (remove(rootfs)) {
          bytes += s;
          unpacked++;
        }
      }
    }
    if (budget.isPresent()) {
      long total = size(layout.root());
      List<ImageStore.Entry> oldestFirst = new ArrayList<>(entries);
      oldestFirst.sort(Comparator.comparing(ImageStore.Entry::lastUsed));
      for (ImageStore.Entry e : oldestFirst) {
        Path rootfs = layout.imageRootfs(e.manifest());
        if (total <= budget.getAsLong()) {
          break;
        }
        if (Files.isDirectory(rootfs)) {
          long s = size(rootfs);
          if (remove(rootfs)) {
            total -= s;
            bytes += s;
            unpacked++;
          }
        }
      }
    }
    // Lock files whose rootfs is gone (removed above, by an older mrt, or never completed).
    for (Path file : listed(layout.imageRootfsDir(), layout::imageRootfsFiles)) {
      RootfsUse.rootfsOfLockFile(file).filter(b -> !Files.exists(b)).ifPresent(this::remove);
    }
    return new Report(blobs, unpacked, bytes);
  }

  private static boolean olderThanAnHour(Path p) {
    try {
      return Files.getLastModifiedTime(p)
          .toInstant()
          .isBefore(Instant.now().minus(Duration.ofHours(1)));
    } catch (IOException e) {
      return false;
    }
  }

  /** A listing of {@code dir}; failing to read it stops gc, which cannot judge what it misses. */
  private static <T> List<T> listed(Path dir, Listing<T> listing) {
    try {
      return listing.list();
    } catch (IOException e) {
      throw new MrtException("cannot list " + dir + " (" + e.getMessage() + ")", e);
    }
  }

  @FunctionalInterface
  private interface Listing<T> {
    List<T> list() throws IOException;
  }

  private static long size(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .mapToLong(p -> p.toFile().length())
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  private static void delete(Path p) {
    try {
      FileTrees.deleteTree(p);
    } catch (IOException e) {
      throw cannotRemove(p, e);
    }
  }

  /** Removes a prepared rootfs and its lock files unless it is in use or being prepared. */
  private boolean remove(Path rootfs) {
    try {
      return use.removeIfUnused(rootfs, FileTrees::deleteTree);
    } catch (IOException e) {
      throw cannotRemove(rootfs, e);
    }
  }

  private static MrtException cannotRemove(Path p, IOException e) {
    return new MrtException(
        "cannot remove " + p + " (" + e.getMessage() + "); check its" + " permissions", e);
  }
}
