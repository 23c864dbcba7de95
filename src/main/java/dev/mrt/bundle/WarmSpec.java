package dev.mrt.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Process;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.runtime.JobHandOff;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A job's spec seen from a container started before the job: what two jobs must share to take
 * containers started alike (the key), and the spec such a container starts with. The rest, the
 * job's command, environment and working directory, reaches it as a {@link JobHandOff}.
 */
final class WarmSpec {
  /** Under the container's own tmpfs /run, read-only: nothing of the image is touched. */
  static final String HANDOFF_DIR = "/run/mrt-handoff";

  /** The helper, as its containers see it. */
  static final String HELPER = HANDOFF_DIR + "/mrt-handoff";

  /** The helper's own variable: the nonce that makes its "could not start" line its own. */
  static final String NONCE_VARIABLE = "MRT_HANDOFF_NONCE";

  /** The helper's own variable: the compiled seccomp filter it loads for the job. */
  static final String SECCOMP_VARIABLE = "MRT_HANDOFF_SECCOMP";

  /**
   * mrt's helper as the waiting process.
   *
   * @param dir the directory holding it, mounted read-only at {@link #HANDOFF_DIR}
   * @param nonce its nonce, for {@link #notStartedMarker}
   * @param seccompFilter the job's filter compiled, relative to {@code dir}: the helper loads it
   *     and runc loads none
   */
  record Helper(Path dir, String nonce, Optional<String> seccompFilter) {}

  private WarmSpec() {}

  /**
   * Everything of the job's spec that a waiting container fixes. Scratch directories are per
   * container, so their sources do not count; with mrt's helper the command, environment and
   * working directory do not either, while a request's own warm command (a runner that sets itself
   * up first) starts with the job's environment, so that counts. The seccomp profile counts by its
   * id ({@code profileIds}).
   */
  static String key(
      Spec job,
      Set<String> scratchDestinations,
      boolean viaHelper,
      Function<JsonNode, String> profileIds) {
    Process p = job.process();
    Spec fixed =
        job.withProcess(
                viaHelper
                    ? p.withCommand(List.of(), List.of(), "/")
                    : p.withCommand(List.of(), p.env(), p.cwd()))
            .withMounts(withScratch(job.mounts(), scratchDestinations, Map.of()));
    JsonNode profile = job.linux().seccomp();
    if (profile == null) {
      return SpecJson.toJson(fixed);
    }
    return SpecJson.toJson(fixed.withLinux(fixed.linux().withSeccomp(null)))
        + "\nseccomp "
        + profileIds.apply(profile);
  }

  /**
   * The spec a waiting container starts with.
   *
   * @param scratch per destination, the container's own scratch directory
   * @param command the waiting process
   * @param helper when mrt's helper is the waiting process
   */
  static Spec waiting(
      Spec job, Map<String, Path> scratch, List<String> command, Optional<Helper> helper) {
    Process p = job.process();
    List<Mount> mounts = new ArrayList<>(withScratch(job.mounts(), scratch.keySet(), scratch));
    if (helper.isEmpty()) {
      return job.withProcess(p.withCommand(command, p.env(), p.cwd())).withMounts(mounts);
    }
    Helper h = helper.get();
    // The helper's environment is its own alone: the job's comes with the hand-off, and the
    // job never sees it (execve replaces the environment).
    List<String> env = new ArrayList<>(List.of(NONCE_VARIABLE + "=" + h.nonce()));
    h.seccompFilter().ifPresent(f -> env.add(SECCOMP_VARIABLE + "=" + inHelperDir(f)));
    mounts.add(helperMount(h.dir()));
    Spec waiting = job.withProcess(p.withCommand(command, env, "/")).withMounts(mounts);
    return h.seccompFilter().isEmpty()
        ? waiting
        : waiting.withLinux(waiting.linux().withSeccomp(null));
  }

  /**
   * A container made for its job, whose filter the helper loads: its process is {@code mrt-handoff
   * --exec FILTER} and the job's argv, in the job's working directory and environment (runc sets
   * both), and runc loads no filter.
   *
   * @param filter the job's filter compiled, relative to {@code helperDir}
   */
  static Spec execViaHelper(Spec job, Path helperDir, String filter) {
    Process p = job.process();
    List<String> args = new ArrayList<>(List.of(HELPER, "--exec", inHelperDir(filter)));
    args.addAll(p.args());
    List<Mount> mounts = new ArrayList<>(job.mounts());
    mounts.add(helperMount(helperDir));
    return job.withProcess(p.withCommand(args, p.env(), p.cwd()))
        .withMounts(mounts)
        .withLinux(job.linux().withSeccomp(null));
  }

  /** A file of the helper's directory, as its containers see it. */
  private static String inHelperDir(String relative) {
    return HANDOFF_DIR + "/" + relative;
  }

  /** The helper's directory, read-only, where its containers find it. */
  private static Mount helperMount(Path dir) {
    return Mount.bind(dir.toString(), HANDOFF_DIR, true);
  }

  /** How the helper's "could not start the job" line begins (see mrt-handoff.c). */
  static String notStartedMarker(String nonce) {
    return "\0mrt-handoff-exec-failed " + nonce + " ";
  }

  /** What the job is handed once it arrives. */
  static JobHandOff handOff(Spec job) {
    Process p = job.process();
    return new JobHandOff(p.cwd(), p.args(), p.env());
  }

  /** The mounts, each scratch one pointed at {@code sources} (blank when it has none). */
  private static List<Mount> withScratch(
      List<Mount> mounts, Set<String> destinations, Map<String, Path> sources) {
    return mounts.stream()
        .map(
            m ->
                !m.type().equals("bind") || !destinations.contains(m.destination())
                    ? m
                    : new Mount(
                        m.destination(),
                        m.type(),
                        sources.containsKey(m.destination())
                            ? sources.get(m.destination()).toString()
                            : "",
                        m.options()))
        .toList();
  }
}
