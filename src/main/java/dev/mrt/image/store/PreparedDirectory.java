package dev.mrt.image.store;

import dev.mrt.MrtException;
import dev.mrt.host.FileTrees;
import dev.mrt.host.LockFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A directory under a cache root that is filled once and then reused: the default rootfs, the
 * unpacked runc, a local tarball image keyed by its sha256.
 *
 * <p>{@code <cacheRoot>/<name>/} is complete if and only if its marker file {@value #MARKER} holds
 * the expected digest: it is populated in a temp dir next to it and renamed into place only after
 * the marker is written and synced. Callers that need the marker kept out of their content (a
 * rootfs) populate a subdirectory.
 *
 * <p>Exclusion is a {@link LockFile} on {@code <cacheRoot>/<name>.lock}, so concurrent mrt
 * processes and threads populate once; {@code mrt gc} deletes that file with the directory.
 */
public final class PreparedDirectory {

  /** Holds the digest of a complete directory; written last. */
  public static final String MARKER = ".mrt-digest";

  private static final Logger LOG = Logger.getLogger(PreparedDirectory.class);
  private static final String TEMP_INFIX = ".tmp-";

  /** Fills a fresh, empty directory. Throwing leaves nothing behind. */
  @FunctionalInterface
  public interface Populator {
    void populate(Path emptyDirectory) throws IOException;
  }

  private PreparedDirectory() {}

  /**
   * Returns {@code <cacheRoot>/<name>}, populating it first unless it already holds {@code digest}.
   *
   * @param name a relative path such as {@code rootfs/sha256-<hex>}; may not contain {@code ..}
   * @param digest what the marker must hold, e.g. {@code sha256:<hex>} of the source
   */
  public static Path ensure(Path cacheRoot, String name, String digest, Populator populator) {
    Path dir = resolve(cacheRoot, name);
    try {
      Files.createDirectories(dir.getParent());
      try (LockFile lock = LockFile.acquire(lockFile(dir), false)) {
        if (digest.equals(readMarker(dir))) {
          // The usual case, on every `mrt run`: worth a line only when debugging. Unpacking is
          // what an operator wants to see, and stays at INFO.
          LOG.debugf("reusing %s (%s)", dir, digest);
          return dir;
        }
        removeLeftovers(dir);
        build(dir, digest, populator);
        return dir;
      }
    } catch (IOException e) {
      throw new MrtException("cannot prepare " + dir + ": " + e + "; check the cache directory", e);
    }
  }

  /**
   * The file whose lock guards {@code dir}; whoever removes {@code dir} takes it first and may then
   * delete it ({@link LockFile#delete}).
   */
  public static Path lockFile(Path dir) {
    return dir.resolveSibling(dir.getFileName() + ".lock");
  }

  private static Path resolve(Path cacheRoot, String name) {
    Path relative = Path.of(name).normalize();
    if (name.isBlank() || relative.isAbsolute() || relative.startsWith("..")) {
      throw new IllegalArgumentException("not a relative cache entry name: " + name);
    }
    return cacheRoot.resolve(relative);
  }

  private static String readMarker(Path dir) throws IOException {
    try {
      return Files.readString(dir.resolve(MARKER), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Under the lock, anything at {@code dir} or named like our temp dirs is stale. */
  private static void removeLeftovers(Path dir) throws IOException {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      LOG.infof("removing incomplete or outdated %s", dir);
      FileTrees.deleteTree(dir);
    }
    String prefix = "." + dir.getFileName() + TEMP_INFIX;
    try (Stream<Path> siblings = Files.list(dir.getParent())) {
      for (Path stale :
          (Iterable<Path>)
              siblings.filter(p -> p.getFileName().toString().startsWith(prefix))::iterator) {
        FileTrees.deleteTree(stale);
      }
    }
  }

  private static void build(Path dir, String digest, Populator populator) throws IOException {
    Path temp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + TEMP_INFIX);
    boolean done = false;
    try {
      populator.populate(temp);
      Path marker = temp.resolve(MARKER);
      try (FileChannel out =
          FileChannel.open(marker, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(StandardCharsets.UTF_8.encode(digest));
        out.force(true);
      }
      Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir.getParent());
      done = true;
    } finally {
      if (!done) {
        FileTrees.deleteTree(temp);
      }
    }
  }

  /** Makes the rename durable: without it a crash could lose the entry but keep its content. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
