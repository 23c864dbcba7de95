package dev.mrt.bundle;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.User;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A host directory or file made visible in the container.
 *
 * @param source absolute host path; must exist
 * @param destination absolute path inside the container
 * @param ownedByJob a directory of mrt's own that the job writes into: rootful, it is handed to the
 *     user the job runs as (an image's non-root User could not write it otherwise)
 */
public record BindMount(Path source, String destination, boolean readOnly, boolean ownedByJob) {

  public BindMount(Path source, String destination, boolean readOnly) {
    this(source, destination, readOnly, false);
  }

  /** A read-write directory of mrt's that the job writes its answer into. */
  public static BindMount scratch(Path source, String destination) {
    return new BindMount(source, destination, false, true);
  }

  public BindMount {
    if (!source.isAbsolute()) {
      throw new IllegalArgumentException("bind source must be absolute: " + source);
    }
    if (!destination.startsWith("/")) {
      throw new IllegalArgumentException("bind destination must be absolute: " + destination);
    }
  }

  /**
   * Gives a directory {@linkplain #ownedByJob owned by the job} to the user it runs as, when that
   * is not root: for a rootful job (rootless, the job's root is mrt's own user already).
   */
  void handTo(User user) {
    if (!ownedByJob || (user.uid() == 0 && user.gid() == 0)) {
      return;
    }
    try {
      Files.setAttribute(source, "unix:gid", (int) user.gid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(source, "unix:uid", (int) user.uid(), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new MrtException(
          "cannot hand "
              + source
              + " to the job's user "
              + user.uid()
              + ":"
              + user.gid()
              + " ("
              + IoErrors.describe(e)
              + ")",
          e);
    }
  }

  /**
   * Parses {@code SRC:DST[:ro|:rw]} as given to {@code -v} or in configuration; the source must
   * exist on the host.
   *
   * @param what names the setting in error messages, e.g. {@code -v}
   */
  public static BindMount parse(String spec, String what) {
    String[] parts = spec.split(":", -1);
    boolean readOnly = false;
    if (parts.length == 3 && (parts[2].equals("ro") || parts[2].equals("rw"))) {
      readOnly = parts[2].equals("ro");
    } else if (parts.length != 2) {
      throw new MrtException("bad " + what + " '" + spec + "': give SRC:DST or SRC:DST:ro");
    }
    if (parts[0].isEmpty() || !parts[1].startsWith("/")) {
      throw new MrtException(
          "bad " + what + " '" + spec + "': give a host path and an absolute container path");
    }
    Path source = Path.of(parts[0]).toAbsolutePath().normalize();
    if (!Files.exists(source)) {
      throw new MrtException(
          "bad "
              + what
              + " '"
              + spec
              + "': "
              + source
              + " does not exist on the host; create it"
              + " first");
    }
    return new BindMount(source, parts[1], readOnly);
  }
}
