package dev.mrt.host;

import dev.mrt.IoErrors;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.jboss.logging.Logger;

/** Removing directory trees that mrt made: unpacked root filesystems, bundles, batch files. */
public final class FileTrees {
  private static final Logger LOG = Logger.getLogger(FileTrees.class);

  private FileTrees() {}

  /**
   * Deletes a tree without following symlinks, making directories writable first (an unpacked
   * rootfs has read-only ones).
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.setAttribute(dir, "unix:mode", 0700);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** {@link #deleteTree}, for cleanup that must not fail: what cannot be deleted is logged. */
  public static void removeTree(Path dir) {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      LOG.warnf("could not remove %s: %s", dir, IoErrors.describe(e));
    }
  }
}
