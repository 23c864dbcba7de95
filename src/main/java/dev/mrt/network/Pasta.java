package dev.mrt.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * pasta (Debian's passt package), the user-mode networking podman uses rootless: it gives a
 * container's network namespace a link through ordinary sockets of the host, so it works for an
 * unprivileged user, needs no bridge, and can forward chosen loopback ports and nothing else.
 * Chosen over slirp4netns because it forwards namespace-side ports to the host's loopback ({@code
 * -T}), which is what endpoints need, and it ends by itself with the namespace.
 */
public final class Pasta {
  /**
   * A {@code createRuntime} hook: runc gives the container's state as JSON on stdin, whose {@code
   * "pid"} names the namespaces and {@code "bundle"} where pasta's pid file goes. The shell opens
   * the namespaces and pasta joins them through its own descriptors: runc's init is not dumpable
   * when rootful, and pasta drops the capabilities that /proc/PID/ns would need. $1 is pasta, $2
   * rootless or rootful, the rest pasta's options.
   */
  static final String HOOK_SCRIPT =
      """
      state=$(cat)
      pid=${state#*'"pid":'}
      pid=${pid%%[!0-9]*}
      bundle=${state#*'"bundle":"'}
      bundle=${bundle%%'"'*}
      pasta=$1
      mode=$2
      shift 2
      exec 3</proc/"$pid"/ns/net || exit 1
      if [ "$mode" = rootless ]; then
        exec 4</proc/"$pid"/ns/user || exit 1
        set -- "$@" --userns /proc/self/fd/4
      else
        # As root pasta would become nobody, who cannot open its own descriptors' links.
        set -- "$@" --runas 0:0
      fi
      exec "$pasta" "$@" --netns /proc/self/fd/3 -P "$bundle/pasta.pid"
      """;

  /** Seconds runc gives pasta to set the namespace up before failing the start. */
  static final int HOOK_TIMEOUT = 10;

  private static final Path TUN = Path.of("/dev/net/tun");

  private final Optional<Path> binary;

  /** Checked once: every container start would otherwise stat pasta and the tun device. */
  private final Optional<String> unavailable;

  private Pasta(Optional<Path> binary) {
    this.binary = binary;
    this.unavailable = check(binary);
  }

  /** The configured pasta, else the first on PATH (or in /usr/bin, /usr/sbin). */
  public static Pasta locate(Optional<Path> configured) {
    if (configured.isPresent()) {
      return new Pasta(configured);
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + ":/usr/bin:/usr/sbin";
    return new Pasta(
        Stream.of(path.split(":"))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "pasta"))
            .filter(Files::isExecutable)
            .findFirst());
  }

  /** Why containers cannot get user-mode networking here, or empty when they can. */
  public Optional<String> unavailable() {
    return unavailable;
  }

  private static Optional<String> check(Optional<Path> binary) {
    if (binary.isEmpty()) {
      return Optional.of(
          "pasta is not installed (apt-get install passt), or set" + " mrt.container.pasta");
    }
    if (!Files.isExecutable(binary.get())) {
      return Optional.of("pasta " + binary.get() + " is not executable; fix mrt.container.pasta");
    }
    if (!Files.isReadable(TUN) || !Files.isWritable(TUN)) {
      return Optional.of(
          TUN
              + " is not open to this user (Debian's default is mode 0666: chmod"
              + " 0666 "
              + TUN
              + ")");
    }
    return Optional.empty();
  }

  public Optional<Path> binary() {
    return binary;
  }

  /** The pid file pasta writes in the bundle: its owner stops it with the container. */
  public static final String PID_FILE = "pasta.pid";

  /**
   * Ends the pasta that wrote {@code pidFile}, if it still runs. pasta ends by itself once the
   * container's namespace is gone, but not always; this is the belt to that brace. The process is
   * told by its command line (pasta, given this very pid file), not by {@code /proc/PID/exe}: pasta
   * makes itself non-dumpable, so its own user cannot read that link.
   *
   * @throws IOException when the pid file exists but cannot be read
   */
  public static void stop(Path pidFile) throws IOException {
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).strip());
    } catch (NoSuchFileException | NumberFormatException e) {
      return; // no pasta for this container, or it wrote nothing yet
    }
    List<String> argv;
    try {
      argv =
          List.of(
              new String(
                      Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                      StandardCharsets.UTF_8)
                  .split("\0"));
    } catch (NoSuchFileException e) {
      return; // already gone
    }
    if (!argv.isEmpty() && isPastaExecutable(argv.get(0)) && argv.contains(pidFile.toString())) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * Whether an executable is pasta as it runs: Debian's {@code pasta} is a link to {@code passt},
   * which re-executes itself as {@code passt.avx2} on CPUs that have AVX2.
   */
  static boolean isPastaExecutable(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.equals("pasta")
        || name.equals("passt")
        || name.equals("pasta.avx2")
        || name.equals("passt.avx2");
  }

  /**
   * What runc runs as a {@code createRuntime} hook; the spec's own hook type is the bundle's.
   *
   * @param timeout seconds runc waits for it
   */
  public record HookCommand(String path, List<String> args, int timeout) {
    public HookCommand {
      args = List.copyOf(args);
    }
  }

  /** The hook that links a container's namespace with these pasta options. */
  public HookCommand hook(boolean rootless, List<String> options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                HOOK_SCRIPT,
                "mrt-pasta",
                binary.orElseThrow().toString(),
                rootless ? "rootless" : "rootful"));
    // Quiet: its errors still reach runc's message (and so the job's failure reason).
    args.addAll(List.of("--quiet", "--no-map-gw", "-t", "none", "-u", "none", "-U", "none"));
    args.addAll(options);
    return new HookCommand("/bin/sh", args, HOOK_TIMEOUT);
  }
}
