package dev.mrt.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The effective uid and gid of this process, which decide rootless or rootful. Read from {@code
 * /proc/self/status} because the JDK exposes only the user name.
 */
public record HostIds(long uid, long gid) {

  public static HostIds current() {
    try {
      long uid = -1;
      long gid = -1;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        // "Uid:\treal\teffective\tsaved\tfs": the effective id is what the kernel checks.
        if (line.startsWith("Uid:")) {
          uid = Long.parseLong(line.split("\\s+")[2]);
        } else if (line.startsWith("Gid:")) {
          gid = Long.parseLong(line.split("\\s+")[2]);
        }
      }
      if (uid < 0 || gid < 0) {
        throw new IllegalStateException("no Uid:/Gid: lines in /proc/self/status");
      }
      return new HostIds(uid, gid);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status", e);
    }
  }

  /** Not root: containers need a user namespace. */
  public boolean rootless() {
    return uid != 0;
  }
}
