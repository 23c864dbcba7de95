package dev.mrt.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an image's config says about how to run it, and the layer checksums it promises.
 *
 * @param env {@code NAME=value} entries, in order
 * @param entrypoint empty when the image has none
 * @param cmd the default arguments; empty when none
 * @param workingDir empty for {@code /}
 * @param user {@code uid[:gid]} or names as the image gives them; empty for root
 * @param diffIds sha256 of each uncompressed layer, in layer order (empty for a plain rootfs)
 */
public record ImageConfig(
    List<String> env,
    List<String> entrypoint,
    List<String> cmd,
    Optional<String> workingDir,
    Optional<String> user,
    List<Digest> diffIds) {

  /** A root filesystem without a config: mrt's defaults apply. */
  public static final ImageConfig NONE =
      new ImageConfig(
          List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), List.of());

  public ImageConfig {
    env = List.copyOf(env);
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    workingDir = workingDir.filter(w -> !w.isEmpty());
    user = user.filter(u -> !u.isEmpty());
    diffIds = List.copyOf(diffIds);
  }

  /**
   * The command line of a job: an explicit command replaces both Entrypoint and Cmd (like {@code
   * docker run --entrypoint}), so {@code mrt run --image X -- cmd} always runs cmd as mrt has
   * always meant; without one, Entrypoint + Cmd as docker runs it.
   */
  public List<String> command(List<String> requested) {
    if (!requested.isEmpty()) {
      return requested;
    }
    List<String> all = new ArrayList<>(entrypoint);
    all.addAll(cmd);
    return all;
  }
}
