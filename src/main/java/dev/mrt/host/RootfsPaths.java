package dev.mrt.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;

/**
 * Looks up paths inside an unpacked root filesystem the way the container will see them: symlinks,
 * absolute ones included, resolve against the rootfs, never against the host.
 */
public final class RootfsPaths {
  /** Linux gives up after 40 links too (ELOOP). */
  private static final int MAX_LINKS = 40;

  private RootfsPaths() {}

  /**
   * Finds {@code command} as {@code execvp} would: a name with a slash is taken as a path, any
   * other is searched on {@code searchPath}.
   *
   * @return the host path of the executable file, if there is one
   */
  public static Optional<Path> findExecutable(Path rootfs, String command, String searchPath) {
    if (command.contains("/")) {
      return resolve(rootfs, command).filter(RootfsPaths::isExecutableFile);
    }
    for (String dir : searchPath.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Optional<Path> found =
          resolve(rootfs, dir + "/" + command).filter(RootfsPaths::isExecutableFile);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * Resolves a container path to a host path below {@code rootfs}, following symlinks inside the
   * root; {@code ..} never climbs above it, just as in the container.
   *
   * @return empty when a component does not exist or links loop
   */
  public static Optional<Path> resolve(Path rootfs, String containerPath) {
    Path root = rootfs.toAbsolutePath().normalize();
    Path current = root;
    ArrayDeque<String> todo = new ArrayDeque<>();
    push(todo, containerPath);
    int links = 0;
    while (!todo.isEmpty()) {
      String part = todo.pop();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        current = current.equals(root) ? root : current.getParent();
        continue;
      }
      Path next = current.resolve(part);
      if (Files.isSymbolicLink(next)) {
        if (++links > MAX_LINKS) {
          return Optional.empty();
        }
        String target;
        try {
          target = Files.readSymbolicLink(next).toString();
        } catch (IOException e) {
          return Optional.empty();
        }
        if (target.startsWith("/")) {
          current = root;
        }
        push(todo, target);
        continue;
      }
      if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      current = next;
    }
    return Optional.of(current);
  }

  private static void push(ArrayDeque<String> todo, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      todo.push(parts[i]);
    }
  }

  private static boolean isExecutableFile(Path p) {
    try {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      return perms.contains(PosixFilePermission.OWNER_EXECUTE)
          || perms.contains(PosixFilePermission.GROUP_EXECUTE)
          || perms.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (IOException e) {
      return false;
    }
  }
}
