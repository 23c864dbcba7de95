package dev.mrt.bundle;

import dev.mrt.network.Network;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a caller asks of one container, independent of how it is run: the command, its environment,
 * working directory, hostname, network and bind mounts.
 *
 * @param args the command; empty runs the image's Entrypoint + Cmd (see {@link
 *     dev.mrt.image.ImageConfig#command})
 * @param env variables set on top of mrt's defaults, in order; a key given here replaces the
 *     default of the same name
 * @param workdir absolute path inside the container, or empty for {@code /}
 * @param hostname empty for the configured default
 * @param limits cgroup limits; each one not set here falls back to the configured default
 * @param rootlessUser what a rootless container does with an image whose User is not root
 * @param seccomp {@code default}, {@code unconfined} or a profile file; empty for
 *     mrt.container.seccomp
 * @param warmCommand a command that can be started before the job and then takes it as a {@link
 *     dev.mrt.runtime.JobHandOff} (the archivematica runner's {@code --warm}); empty for mrt's own
 *     hand-off helper, which execs the job
 */
public record ContainerRequest(
    List<String> args,
    Map<String, String> env,
    Optional<String> workdir,
    Optional<String> hostname,
    Network network,
    List<BindMount> binds,
    Limits limits,
    RootlessUser rootlessUser,
    Optional<String> seccomp,
    Optional<List<String>> warmCommand) {

  /**
   * Rootless containers map one id, the caller's, onto root: no other user exists inside. By
   * default an image that asks for another user is refused rather than run with more rights than it
   * asked for; a caller that knows the job is fine as root (Archivematica's scripts, whose image
   * only names a user for Docker's sake) says so.
   */
  public enum RootlessUser {
    /** A non-root image User is an error rootless. */
    REFUSE,
    /** Rootless, the job runs as the container's root whatever the image's User. */
    ROOT
  }

  public ContainerRequest {
    args = List.copyOf(args);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    binds = List.copyOf(binds);
    warmCommand = warmCommand.map(List::copyOf);
  }

  /**
   * A request with no settings of its own beyond what every caller names: the configured limits and
   * seccomp filter, a non-root image User refused rootless, mrt's own hand-off helper. The {@code
   * with} methods change one setting each.
   */
  public ContainerRequest(
      List<String> args,
      Map<String, String> env,
      Optional<String> workdir,
      Optional<String> hostname,
      Network network,
      List<BindMount> binds) {
    this(
        args,
        env,
        workdir,
        hostname,
        network,
        binds,
        Limits.NONE,
        RootlessUser.REFUSE,
        Optional.empty(),
        Optional.empty());
  }

  public ContainerRequest withLimits(Limits l) {
    return new ContainerRequest(
        args, env, workdir, hostname, network, binds, l, rootlessUser, seccomp, warmCommand);
  }

  public ContainerRequest withRootlessUser(RootlessUser u) {
    return new ContainerRequest(
        args, env, workdir, hostname, network, binds, limits, u, seccomp, warmCommand);
  }

  public ContainerRequest withSeccomp(Optional<String> s) {
    return new ContainerRequest(
        args, env, workdir, hostname, network, binds, limits, rootlessUser, s, warmCommand);
  }

  public ContainerRequest withWarmCommand(List<String> command) {
    return new ContainerRequest(
        args,
        env,
        workdir,
        hostname,
        network,
        binds,
        limits,
        rootlessUser,
        seccomp,
        Optional.of(command));
  }

  /** A request for just a command, with every other setting at its default. */
  public static ContainerRequest of(String... args) {
    return new ContainerRequest(
        List.of(args), Map.of(), Optional.empty(), Optional.empty(), Network.HOST, List.of());
  }
}
