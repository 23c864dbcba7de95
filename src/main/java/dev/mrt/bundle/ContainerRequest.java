package dev.mrt.bundle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a caller asks of one container, independent of how it is run: the command, its
 * environment, working directory, hostname, network and bind mounts.
 *
 * @param args the command; empty runs the image's Entrypoint + Cmd (see {@link
 *     dev.mrt.image.ImageConfig#command})
 * @param env variables set on top of mrt's defaults, in order; a key given here replaces the
 *     default of the same name
 * @param workdir absolute path inside the container, or empty for {@code /}
 * @param hostname empty for the configured default
 * @param limits cgroup limits; each one not set here falls back to the configured default
 */
public record ContainerRequest(
    List<String> args,
    Map<String, String> env,
    Optional<String> workdir,
    Optional<String> hostname,
    Network network,
    List<BindMount> binds,
    Limits limits) {

  public ContainerRequest {
    args = List.copyOf(args);
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    binds = List.copyOf(binds);
  }

  /** A request without limits of its own: the configured defaults apply. */
  public ContainerRequest(List<String> args, Map<String, String> env, Optional<String> workdir,
      Optional<String> hostname, Network network, List<BindMount> binds) {
    this(args, env, workdir, hostname, network, binds, Limits.NONE);
  }

  public ContainerRequest withLimits(Limits l) {
    return new ContainerRequest(args, env, workdir, hostname, network, binds, l);
  }

  /** A request for just a command, with every other setting at its default. */
  public static ContainerRequest of(String... args) {
    return new ContainerRequest(
        List.of(args), Map.of(), Optional.empty(), Optional.empty(), Network.HOST, List.of());
  }
}
