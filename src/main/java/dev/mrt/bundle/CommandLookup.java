package dev.mrt.bundle;

import dev.mrt.bundle.oci.Spec;
import dev.mrt.host.RootfsPaths;
import dev.mrt.image.PreparedImage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a job's command is there before anything is created for it, so a missing one is a clear
 * error rather than a failed container start. A prepared rootfs never changes, so a command found
 * once is remembered: the lookup walks PATH with an lstat per component, on every task otherwise.
 */
final class CommandLookup {
  private static final int REMEMBERED = 1024;

  private final Set<String> found = ConcurrentHashMap.newKeySet();

  /**
   * @throws CommandNotFoundException when the image lacks the command {@code spec} runs
   */
  void check(PreparedImage image, ContainerRequest request, Spec spec) {
    String command = spec.process().args().get(0);
    String path = pathOf(spec);
    if (!onBindMount(request, command) && !hasExecutable(image, command, path)) {
      throw new CommandNotFoundException(command, image.name(), path);
    }
  }

  /**
   * Whether the command {@code spec} runs is one {@link #check} found in the image: only such a
   * command is started through mrt's helper, as one on a bind mount may fail to exec, which runc
   * reports as a start that failed.
   */
  static boolean inImage(ContainerRequest request, Spec spec) {
    return !onBindMount(request, spec.process().args().get(0));
  }

  /**
   * A command given by a path under a bind mount lives on the host, not in the image: runc finds it
   * (or reports it) once the mount is in place, so the image is not searched for it.
   */
  private static boolean onBindMount(ContainerRequest request, String command) {
    return command.startsWith("/")
        && request.binds().stream()
            .anyMatch(
                b ->
                    command.startsWith(
                        b.destination().endsWith("/") ? b.destination() : b.destination() + "/"));
  }

  private boolean hasExecutable(PreparedImage image, String command, String path) {
    String key = image.rootfs() + "\0" + path + "\0" + command;
    if (found.contains(key)) {
      return true;
    }
    if (RootfsPaths.findExecutable(image.rootfs(), command, path).isEmpty()) {
      return false;
    }
    if (found.size() >= REMEMBERED) {
      found.clear(); // crude, but a daemon runs a few dozen commands, not thousands
    }
    found.add(key);
    return true;
  }

  private static String pathOf(Spec spec) {
    return spec.process().env().stream()
        .filter(e -> e.startsWith("PATH="))
        .reduce((a, b) -> b)
        .map(e -> e.substring(5))
        .orElse("");
  }
}
