package dev.mrt.cli;

import dev.mrt.MrtException;
import dev.mrt.bundle.BindMount;
import dev.mrt.bundle.ContainerRequest;
import dev.mrt.bundle.Limits;
import dev.mrt.network.Network;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options {@code run} and {@code spec} share: everything that shapes one container. */
public class ContainerOptions {

  @Option(
      names = "--image",
      defaultValue = "default",
      paramLabel = "IMAGE",
      description =
          "'default' (embedded Debian + Python 3), a root filesystem tarball "
              + "(.tar, .tar.gz, .tar.zst) or a registry image ([registry/]name[:tag], pulled on "
              + "first use). Default: ${DEFAULT-VALUE}.")
  String image;

  @Option(
      names = {"-e", "--env"},
      paramLabel = "K=V",
      description = "Set an environment variable; K alone passes the host's value.")
  List<String> env = new ArrayList<>();

  @Option(
      names = {"-v", "--volume"},
      paramLabel = "SRC:DST[:ro]",
      description = "Bind-mount a host path; add :ro for read-only.")
  List<String> volumes = new ArrayList<>();

  @Option(
      names = {"-w", "--workdir"},
      paramLabel = "DIR",
      description = "Working directory inside the container (absolute). Default: /.")
  String workdir;

  @Option(names = "--hostname", paramLabel = "H", description = "Container hostname.")
  String hostname;

  @Option(
      names = "--network",
      paramLabel = "MODE",
      description =
          "'private' (default, as podman rootless): outbound through pasta, the host's"
              + " loopback unreachable; 'none': loopback only; 'host': the host's network;"
              + " HOST:PORT[,...]: only those services.")
  String network;

  @Option(
      names = "--seccomp",
      paramLabel = "PROFILE",
      description =
          "'default' (podman's profile, no nested namespaces), 'unconfined', or a"
              + " docker/podman seccomp.json. Default: mrt.container.seccomp.")
  String seccomp;

  @Option(
      names = "--timeout",
      paramLabel = "DUR",
      converter = DurationConverter.class,
      description = "Kill the container after this long (e.g. 30s, 5m, 1h30m) and exit 124.")
  Duration timeout;

  @Option(
      names = "--memory",
      paramLabel = "SIZE",
      description =
          "Memory limit, e.g. 512M or 2G (powers of 1024). Default: mrt.container.memory.")
  String memory;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      description = "CPU limit in cores, e.g. 0.5 or 2. Default: mrt.container.cpus.")
  Double cpus;

  @Option(
      names = "--pids-limit",
      paramLabel = "N",
      description = "Most processes in the container. Default: mrt.container.pids-limit.")
  Long pidsLimit;

  @Parameters(
      arity = "0..*",
      paramLabel = "CMD",
      description =
          "The command and its arguments (put them after --); it replaces the "
              + "image's Entrypoint and Cmd. Without one, the image's Entrypoint + Cmd run.")
  List<String> command = new ArrayList<>();

  Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * @param noPrivateNetwork why this host cannot give a private network, if it cannot: the default
   *     then falls back to none (never to the host's), and says so
   */
  ContainerRequest toRequest(Optional<String> noPrivateNetwork) {
    return new ContainerRequest(
            command,
            environment(),
            Optional.ofNullable(workdir).map(ContainerOptions::absolute),
            Optional.ofNullable(hostname),
            network(noPrivateNetwork),
            binds())
        .withLimits(limits())
        .withSeccomp(Optional.ofNullable(seccomp));
  }

  private Limits limits() {
    return Limits.parse(
        Optional.ofNullable(memory),
        Optional.ofNullable(cpus),
        pidsLimit == null ? OptionalLong.empty() : OptionalLong.of(pidsLimit),
        "--memory/--cpus/--pids-limit");
  }

  private Map<String, String> environment() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String e : env) {
      int eq = e.indexOf('=');
      String key = eq < 0 ? e : e.substring(0, eq);
      if (key.isEmpty()) {
        throw new MrtException("bad -e '" + e + "': give NAME=VALUE or NAME");
      }
      if (eq >= 0) {
        out.put(key, e.substring(eq + 1));
      } else if (System.getenv(key) != null) {
        out.put(key, System.getenv(key));
      }
    }
    return out;
  }

  private Network network(Optional<String> noPrivateNetwork) {
    if (network != null) {
      return Network.parse(network, "--network");
    }
    if (noPrivateNetwork.isPresent()) {
      System.err.println(
          "mrt: no private network ("
              + noPrivateNetwork.get()
              + "); this"
              + " container has loopback only (--network none; --network host shares the host's)");
      return Network.NONE;
    }
    return Network.PRIVATE;
  }

  private List<BindMount> binds() {
    return volumes.stream().map(v -> BindMount.parse(v, "-v")).toList();
  }

  private static String absolute(String containerPath) {
    if (!containerPath.startsWith("/")) {
      throw new MrtException(
          "container path '" + containerPath + "' must be absolute (start with /)");
    }
    return containerPath;
  }
}
