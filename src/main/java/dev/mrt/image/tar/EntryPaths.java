package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Where an entry may write, decided before anything is written: names that are absolute or climb
 * with {@code ..} are refused, relative symlink targets may not leave the root, and every directory
 * an entry goes through must be a real directory, never a symlink. Pure: it looks at the disk only
 * through {@link Disk}, so its rules are tested without one.
 */
final class EntryPaths {

  /** What is at a path, symlinks not followed. */
  enum Kind {
    MISSING,
    DIRECTORY,
    SYMLINK,
    OTHER
  }

  /** How the walk sees and grows the tree under the root. */
  interface Disk {
    Kind kind(Path path);

    /** Makes one missing directory (mode 0755). */
    void createDirectory(Path dir) throws IOException;
  }

  private final Path root;
  private final Cursor at;
  private final Disk disk;

  /** Directories known to be real directories (not symlinks) under root: saves lstat calls. */
  private final Set<Path> verified = new HashSet<>();

  EntryPaths(Path root, Cursor at, Disk disk) {
    this.root = root;
    this.at = at;
    this.disk = disk;
    verified.add(root);
  }

  /**
   * Checks an entry name and returns it relative to the root ({@code ""} for the root itself):
   * empty and {@code .} components go, absolute names and {@code ..} components are refused.
   *
   * @param problem how the refusal begins, e.g. "has" (then " an absolute path")
   */
  static Path relative(String name, String problem, Cursor at) {
    if (name.startsWith("/")) {
      throw at.unsafe(problem + " an absolute path");
    }
    StringBuilder clean = new StringBuilder(name.length());
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw at.unsafe(problem + " a '..' component");
      }
      if (clean.length() > 0) {
        clean.append('/');
      }
      clean.append(part);
    }
    return Path.of(clean.toString());
  }

  /**
   * Refuses a relative symlink target that climbs above the root from the link at {@code relative}:
   * nothing in the rootfs can give it a meaning. Absolute targets are normal in a rootfs and
   * resolve inside it in the container.
   */
  static void checkSymlinkTarget(Path relative, String linkName, Cursor at) {
    if (linkName.startsWith("/")) {
      return;
    }
    Path parent = relative.getParent();
    Path resolved = (parent == null ? Path.of(linkName) : parent.resolve(linkName)).normalize();
    if (resolved.startsWith("..")) {
      throw at.unsafe("is a symlink to '" + linkName + "', which points outside the root");
    }
  }

  /**
   * Makes sure {@code dir} and all its parents up to the root are real directories, never symlinks;
   * creates missing ones when {@code create}.
   */
  void ensureRealDirectory(Path dir, boolean create) {
    if (verified.contains(dir)) {
      return;
    }
    Path current = root;
    for (Path component : root.relativize(dir)) {
      current = current.resolve(component);
      if (verified.contains(current)) {
        continue;
      }
      Kind kind = disk.kind(current);
      if (kind == Kind.MISSING && create) {
        try {
          disk.createDirectory(current);
        } catch (IOException e) {
          throw at.destination(current, e);
        }
      } else if (kind == Kind.MISSING) {
        throw at.unsafe(
            "refers to '" + root.relativize(current) + "', which was not unpacked before it");
      } else if (kind == Kind.SYMLINK) {
        throw at.unsafe("would be written through the symlink '" + root.relativize(current) + "'");
      } else if (kind != Kind.DIRECTORY) {
        throw at.unsafe("has a parent '" + root.relativize(current) + "' that is not a directory");
      }
      verified.add(current);
    }
  }

  /** {@code dir} was just made, or found, a real directory. */
  void verified(Path dir) {
    verified.add(dir);
  }

  /** {@code path} and everything below it may be something else now. */
  void forget(Path path) {
    verified.removeIf(p -> p.startsWith(path));
  }
}
