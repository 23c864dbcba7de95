package dev.mrt.bundle;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.host.RootfsPaths;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Creates the mount points a spec's bind mounts need in the shared root filesystem before runc
 * starts. runc would create them itself, but two containers starting at once then race on the same
 * {@code mkdirat} in the shared directory and one fails with "file exists". Made here, with
 * "already exists" tolerated, the mount point is simply there for every container.
 */
final class MountPoints {
  /** Mount types whose contents come from elsewhere, so nothing below them is in the rootfs. */
  private static final List<String> VIRTUAL =
      List.of("tmpfs", "proc", "sysfs", "devpts", "mqueue", "cgroup");

  private MountPoints() {}

  static void prepare(Path rootfs, Spec spec) {
    for (Mount m : spec.mounts()) {
      if (m.options().contains("rbind") && !underVirtualMount(m.destination(), spec)) {
        create(rootfs, m);
      }
    }
  }

  private static boolean underVirtualMount(String destination, Spec spec) {
    for (Mount m : spec.mounts()) {
      if (VIRTUAL.contains(m.type())
          && !destination.equals(m.destination())
          && destination.startsWith(
              m.destination().endsWith("/") ? m.destination() : m.destination() + "/")) {
        return true;
      }
    }
    return false;
  }

  private static void create(Path rootfs, Mount m) {
    String destination = Path.of(m.destination()).normalize().toString();
    if (RootfsPaths.resolve(rootfs, destination).isPresent()) {
      return;
    }
    boolean file = !Files.isDirectory(Path.of(m.source()));
    // The deepest existing ancestor, resolved inside the rootfs (symlinks never lead out).
    String[] parts = destination.substring(1).split("/");
    Path at = rootfs;
    int i = 0;
    for (; i < parts.length; i++) {
      Optional<Path> next =
          RootfsPaths.resolve(rootfs, "/" + String.join("/", Arrays.copyOfRange(parts, 0, i + 1)));
      if (next.isEmpty()) {
        break;
      }
      at = next.get();
    }
    try {
      for (; i < parts.length; i++) {
        at = at.resolve(parts[i]);
        try {
          if (i == parts.length - 1 && file) {
            Files.createFile(at);
          } else {
            Files.createDirectory(at);
          }
        } catch (FileAlreadyExistsException raced) {
          // Another container made it first: what we wanted, unless what exists is a symlink
          // (one that leads nowhere inside the image): never create anything through it.
          if (Files.isSymbolicLink(at)) {
            throw new MrtException(
                "mount point "
                    + destination
                    + " goes through the symlink /"
                    + rootfs.relativize(at)
                    + ", which leads nowhere in the image; mount elsewhere");
          }
        }
      }
    } catch (IOException e) {
      throw new MrtException(
          "cannot create mount point "
              + destination
              + " in the image ("
              + IoErrors.describe(e)
              + "); mount somewhere that exists in the image, e.g. under /mnt");
    }
  }
}
