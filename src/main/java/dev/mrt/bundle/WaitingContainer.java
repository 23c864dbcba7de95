package dev.mrt.bundle;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.runtime.Runc;
import dev.mrt.runtime.RuncContainer;
import dev.mrt.runtime.Stdio;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A container started before its job, its process waiting on stdin: namespaces, mounts, limits and
 * network are in place. It takes exactly one job ({@link #handOff}) or is discarded.
 */
public final class WaitingContainer {
  /** How long a discarded container may take to end once told to. */
  private static final Duration DISCARD_PATIENCE = Duration.ofSeconds(5);

  private final Bundle bundle;
  private final RuncContainer process;
  private final BundleStore store;
  private final Runc runc;

  /** Per destination, this container's own scratch directory. */
  private final Map<String, Path> scratch;

  /** How its helper says it could not start the job; empty for a request's own warm command. */
  private final Optional<String> notStartedMarker;

  WaitingContainer(
      Bundle bundle,
      RuncContainer process,
      BundleStore store,
      Runc runc,
      Map<String, Path> scratch,
      Optional<String> notStartedMarker) {
    this.notStartedMarker = notStartedMarker;
    this.bundle = bundle;
    this.process = process;
    this.store = store;
    this.runc = runc;
    this.scratch = Map.copyOf(scratch);
  }

  public String id() {
    return bundle.containerId();
  }

  /** False once its process has ended (killed, out of memory): it can no longer take a job. */
  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Gives the container its job: the job's scratch directories' contents move into the container's
   * own (and back when the container closes), then the job's command, environment and working
   * directory go to the waiting process.
   *
   * @param job the job's spec, as {@link ContainerRunner#checkedSpec} made it
   * @throws WarmStartException when the container is gone; it has then been discarded
   */
  Container handOff(Spec job, List<BindMount> binds, Stdio stdio) {
    List<BindMount> jobScratch = binds.stream().filter(BindMount::ownedByJob).toList();
    try {
      for (BindMount b : jobScratch) {
        moveEntries(b.source(), scratch.get(b.destination()));
      }
      process.handOff(WarmSpec.handOff(job), stdio, notStartedMarker);
    } catch (IOException e) {
      try {
        returnScratch(jobScratch);
      } finally {
        discard();
      }
      throw new WarmStartException(
          "the warm container " + id() + " could not take its job (" + IoErrors.describe(e) + ")",
          e);
    }
    return new Container(bundle, process, store, runc, () -> returnScratch(jobScratch));
  }

  /** Ends it without a job and removes it: nothing of it is left. */
  public void discard() {
    try {
      process.abandon(DISCARD_PATIENCE);
    } finally {
      store.destroy(bundle, runc);
    }
  }

  private void returnScratch(List<BindMount> jobScratch) {
    for (BindMount b : jobScratch) {
      try {
        moveEntries(scratch.get(b.destination()), b.source());
      } catch (IOException e) {
        throw new MrtException(
            "cannot move the job's files back from "
                + scratch.get(b.destination())
                + " to "
                + b.source()
                + " ("
                + IoErrors.describe(e)
                + ")",
            e);
      }
    }
  }

  /** Renames every entry of {@code from} into {@code to}: both are under mrt's state directory. */
  private static void moveEntries(Path from, Path to) throws IOException {
    try (Stream<Path> entries = Files.list(from)) {
      for (Path e : entries.toList()) {
        Files.move(e, to.resolve(e.getFileName()));
      }
    }
  }
}
