package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.jboss.logging.Logger;

/**
 * What an entry carries besides its content: owner (chowned as root, else recorded in an xattr),
 * mode including setuid/setgid/sticky, and mtime. Directories get their mode and mtime only at the
 * end, deepest first, because writing a child changes its parent's mtime and a read-only directory
 * cannot take children.
 */
final class Attributes {
  private static final Logger LOG = Logger.getLogger(Attributes.class);
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path root;
  private final boolean preserveOwnership;

  /** Files are created with their mode; a chmod follows only for bits the umask would drop. */
  private final int umask;

  private final Map<Integer, FileAttribute<?>> permissionsByMode = new HashMap<>();
  private final OwnerXattrs owners;

  /** By path: a later layer's entry for the same directory replaces the earlier one. */
  private final Map<Path, DeferredDir> dirs = new LinkedHashMap<>();

  private record DeferredDir(Path path, int mode, FileTime mtime) {}

  Attributes(Path root, boolean preserveOwnership, int umask) {
    this.root = root;
    this.preserveOwnership = preserveOwnership;
    this.umask = umask;
    this.owners = new OwnerXattrs(root);
  }

  /** The permission bits of {@code mode}, to create a file with; reading thread only. */
  FileAttribute<?> permissionsFor(int mode) {
    return permissionsByMode.computeIfAbsent(
        mode & 0777, m -> PosixFilePermissions.asFileAttribute(permissions(m)));
  }

  /** Owner, mode and mtime of a file just written; safe on a writer thread. */
  void finishFile(TarArchiveEntry entry, Path target, int mode) throws IOException {
    // chown before chmod: chown clears setuid/setgid bits.
    chown(entry, target);
    if ((mode & 07000) != 0 || (mode & umask) != 0) {
      chmod(target, mode);
    }
    recordOwner(entry, target);
    setTimes(target, entry.getLastModifiedTime());
  }

  /** A directory's owner now, its mode and mtime at {@link #applyToDirectories}. */
  void directory(TarArchiveEntry entry, Path target) throws IOException {
    chown(entry, target);
    recordOwner(entry, target);
    dirs.put(target, new DeferredDir(target, entry.getMode(), entry.getLastModifiedTime()));
  }

  /** A symlink's owner and, where the file system can, its mtime. */
  void symlink(TarArchiveEntry entry, Path target) throws IOException {
    chown(entry, target);
    try {
      setTimes(target, entry.getLastModifiedTime());
    } catch (IOException e) {
      // Some file systems cannot time-stamp a symlink; its mtime matters to nobody.
      LOG.tracef("cannot set the mtime of symlink %s: %s", target, e);
    }
  }

  void chown(TarArchiveEntry entry, Path target) throws IOException {
    if (preserveOwnership) {
      Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
      Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
    }
  }

  /** Rootless, the owner the image gave an entry goes into its xattr ({@link OwnerXattrs}). */
  private void recordOwner(TarArchiveEntry entry, Path target) {
    if (!preserveOwnership) {
      owners.record(entry.getLongUserId(), entry.getLongGroupId(), target);
    }
  }

  /** {@code path} and everything below it are gone: no directory attributes for them. */
  void forget(Path path) {
    dirs.keySet().removeIf(p -> p.startsWith(path));
  }

  /** Sets the deferred directory modes and mtimes, deepest first. */
  void applyToDirectories(String archive) {
    // Deepest first, so that setting a parent's mtime is the last change to it.
    List<DeferredDir> ordered = new ArrayList<>(dirs.values());
    ordered.sort(Comparator.comparingInt((DeferredDir d) -> d.path().getNameCount()).reversed());
    for (DeferredDir dir : ordered) {
      try {
        chmod(dir.path(), dir.mode());
        setTimes(dir.path(), dir.mtime());
      } catch (IOException e) {
        throw new DestinationException(
            archive, root.relativize(dir.path()).toString(), dir.path().toString(), e);
      }
    }
  }

  private static void chmod(Path path, int mode) throws IOException {
    // The "unix" view carries setuid/setgid/sticky; PosixFilePermission cannot.
    Files.setAttribute(path, "unix:mode", mode & 07777);
  }

  /**
   * mtime, and atime with it, as tar does without pax atimes; never through a symlink. Giving both
   * spares the JDK an lstat; it still opens each regular file O_NOFOLLOW for a futimens (strace),
   * an open and a close a file more than tar makes, which Java has no call to avoid.
   */
  private static void setTimes(Path path, FileTime mtime) throws IOException {
    Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW)
        .setTimes(mtime, mtime, null);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ (0400) first
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }
}
