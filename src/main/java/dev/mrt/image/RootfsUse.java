package dev.mrt.image;

import dev.mrt.host.LockFile;
import dev.mrt.image.store.PreparedDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks images' prepared rootfs as in use by this process: a shared lock on {@code <dir>.inuse},
 * held until the process ends (the OS drops it even after a crash). {@code mrt gc} in any process
 * removes one only when it can take that lock exclusively, and then deletes the marker too.
 */
public final class RootfsUse {
  private final Map<Path, LockFile> held = new ConcurrentHashMap<>();

  /** Marks {@code dir} used by this process; best effort (a read-only cache cannot lock). */
  public void use(Path dir) {
    held.computeIfAbsent(
        dir,
        b -> {
          try {
            return LockFile.acquire(marker(b), true);
          } catch (IOException e) {
            return null;
          }
        });
  }

  /**
   * Removes {@code dir} with {@code remover} unless a process (this one included) uses it or is
   * preparing it, then deletes its lock files. Both locks are held throughout, so nobody starts
   * using or re-preparing it halfway.
   *
   * @return whether it was removed
   */
  boolean removeIfUnused(Path dir, Remover remover) throws IOException {
    if (held.containsKey(dir)) {
      return false;
    }
    Optional<LockFile> preparing = LockFile.tryAcquire(PreparedDirectory.lockFile(dir));
    if (preparing.isEmpty()) {
      return false;
    }
    try (LockFile prepare = preparing.get()) {
      Optional<LockFile> using = LockFile.tryAcquire(marker(dir));
      if (using.isEmpty()) {
        return false;
      }
      try (LockFile use = using.get()) {
        remover.remove(dir);
        use.delete();
        prepare.delete();
        return true;
      }
    }
  }

  /** Deletes a prepared root filesystem's directory. */
  @FunctionalInterface
  interface Remover {
    void remove(Path dir) throws IOException;
  }

  /**
   * The prepared rootfs a lock file of {@link #removeIfUnused} belongs to, if {@code file} is one.
   */
  static Optional<Path> rootfsOfLockFile(Path file) {
    String name = file.getFileName().toString();
    for (String suffix : new String[] {".inuse", ".lock"}) {
      if (name.endsWith(suffix)) {
        return Optional.of(file.resolveSibling(name.substring(0, name.length() - suffix.length())));
      }
    }
    return Optional.empty();
  }

  private static Path marker(Path dir) {
    return dir.resolveSibling(dir.getFileName() + ".inuse");
  }
}
