package dev.mrt.host;

import dev.mrt.MrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The effective user and group ids and the umask of this process. The ids decide rootful versus
 * rootless behaviour (device nodes, ownership, user namespaces); the umask tells the tar extractor
 * which modes need a chmod after create. Read from {@code /proc} because the JDK has no portable
 * getuid or umask.
 *
 * @param umask 0777 when unknown, so callers that skip a chmod only for bits the umask keeps skip
 *     none
 */
public record HostIds(int uid, int gid, int umask) {

  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  /** The ids and umask of the running process. */
  public static HostIds current() {
    try {
      return parseProcStatus(Files.readString(PROC_STATUS));
    } catch (IOException e) {
      throw new MrtException("cannot read " + PROC_STATUS + " to find the user id: " + e, e);
    }
  }

  /** The {@code Umask:} line of {@code /proc/self/status} (Linux 4.7+); 0777 when missing. */
  static int parseUmask(String status) {
    return field(status, "Umask:").map(v -> Integer.parseInt(v, 8)).orElse(0777);
  }

  /** Parses {@code /proc/<pid>/status}; its Uid/Gid lines hold real, effective, saved, fs ids. */
  static HostIds parseProcStatus(String status) {
    return new HostIds(effective(status, "Uid:"), effective(status, "Gid:"), parseUmask(status));
  }

  private static int effective(String status, String key) {
    String ids =
        field(status, key)
            .orElseThrow(
                () ->
                    new MrtException(
                        "no '" + key + "' line in /proc/self/status; is /proc mounted?"));
    return Integer.parseInt(ids.split("\\s+")[1]);
  }

  /** The value of the {@code key} line of a {@code /proc/<pid>/status}, trimmed. */
  private static Optional<String> field(String status, String key) {
    return status
        .lines()
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).trim())
        .findFirst();
  }

  public boolean isRoot() {
    return uid == 0;
  }

  /** Not root: containers need a user namespace. */
  public boolean rootless() {
    return uid != 0;
  }
}
