package dev.mrt.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks image bundles as in use by this process: a shared lock on {@code <bundle>.inuse}, held
 * until the process ends (the OS drops it even after a crash). {@code mrt gc} in any process
 * removes a bundle only when it can take that lock exclusively.
 */
public final class BundleUse {
  private final Map<Path, FileLock> held = new ConcurrentHashMap<>();

  /** Marks {@code bundle} used by this process; best effort (a read-only cache cannot lock). */
  public void use(Path bundle) {
    held.computeIfAbsent(bundle, b -> {
      try {
        FileChannel c = FileChannel.open(marker(b), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.READ);
        return c.lock(0, Long.MAX_VALUE, true);
      } catch (IOException e) {
        return null;
      }
    });
  }

  /** Whether any process (this one included) uses {@code bundle}. */
  public boolean inUse(Path bundle) {
    if (held.containsKey(bundle)) {
      return true;
    }
    try (FileChannel c = FileChannel.open(marker(bundle), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock l = c.tryLock();
      if (l == null) {
        return true;
      }
      l.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      return true; // When in doubt, keep it.
    }
  }

  private static Path marker(Path bundle) {
    return bundle.resolveSibling(bundle.getFileName() + ".inuse");
  }
}
