package dev.mrt.bundle;

import dev.mrt.bundle.oci.Spec;
import dev.mrt.image.PreparedImage;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.runtime.RuncContainer;
import dev.mrt.runtime.Stdio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Containers made before their job: started with a process that waits for the job on stdin (mrt's
 * static {@code mrt-handoff}, or the request's own warm command), then given the job. A job so
 * started is its container's process itself, with the argv, environment and working directory its
 * own spec says, and its exit status and signals are exactly those of a container made for it.
 */
public final class WarmStarts {
  /** How long a container may take to become ready before it is given up. */
  private static final Duration READY_PATIENCE = Duration.ofSeconds(60);

  private static final SecureRandom NONCES = new SecureRandom();

  private final ContainerRunner runner;
  private final SeccompProfileIds profileIds = new SeccompProfileIds();

  /** Starts through {@code runner}, with its helper and its compiled seccomp filters. */
  public WarmStarts(ContainerRunner runner) {
    this.runner = runner;
  }

  /**
   * What a waiting container must share with this job for the job to take it: jobs with equal keys
   * take each other's. Checks the job as a fresh start would.
   *
   * @throws dev.mrt.MrtException exactly when {@link ContainerRunner#start} would refuse the job
   */
  public WarmKey key(PreparedImage image, ContainerRequest request) {
    Spec job = runner.checkedSpec(image, request);
    return new WarmKey(
        WarmSpec.key(
            job, scratchDestinations(request), request.warmCommand().isEmpty(), profileIds::of),
        job);
  }

  /**
   * Starts a container that jobs of this request's key can take, and waits until its process says
   * it is ready.
   *
   * @throws WarmStartException when it did not become ready; nothing of it is left
   */
  public WaitingContainer start(PreparedImage image, ContainerRequest request) {
    Spec job = runner.spec(image, request);
    Optional<Path> helperDir =
        request.warmCommand().isPresent()
            ? Optional.empty()
            : Optional.of(runner.helper().handoff().getParent());
    Optional<String> filter =
        helperDir
            .flatMap(d -> runner.seccompFilters().forJob(job))
            .map(SeccompFilters.Compiled::name);
    List<String> command = request.warmCommand().orElse(List.of(WarmSpec.HELPER));
    Map<String, Path> scratch = new LinkedHashMap<>();
    byte[] random = new byte[16];
    NONCES.nextBytes(random);
    String nonce = HexFormat.of().formatHex(random);
    RuntimeReady r = runner.ready();
    Bundle bundle =
        r.store()
            .create(
                dir -> {
                  for (String destination : scratchDestinations(request)) {
                    scratch.put(
                        destination,
                        Files.createDirectory(dir.resolve("scratch-" + scratch.size())));
                  }
                  return WarmSpec.waiting(
                      job,
                      scratch,
                      command,
                      helperDir.map(d -> new WarmSpec.Helper(d, nonce, filter)));
                });
    RuncContainer process;
    try {
      List<BindMount> binds = new ArrayList<>();
      scratch.forEach((destination, dir) -> binds.add(BindMount.scratch(dir, destination)));
      runner.prepareHost(image, bundle.spec(), binds);
      process = r.runc().runAhead(bundle.containerId(), bundle.dir());
    } catch (RuntimeException e) {
      r.store().destroy(bundle, r.runc());
      throw e;
    }
    // A runc that hangs while creating would hold this thread, and the job waiting on it.
    CompletableFuture<Void> ready = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(READY_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (!ready.isDone()) {
                process.kill("not ready after " + READY_PATIENCE.toSeconds() + "s");
              }
            });
    boolean isReady = process.awaitReady();
    ready.complete(null);
    if (!isReady) {
      ContainerExit exit = process.await(Optional.of(Duration.ofSeconds(5)));
      r.store().destroy(bundle, r.runc());
      throw new WarmStartException("a warm container did not start: " + describe(exit));
    }
    return new WaitingContainer(
        bundle,
        process,
        r.store(),
        r.runc(),
        scratch,
        helperDir.map(d -> WarmSpec.notStartedMarker(nonce)));
  }

  /**
   * Gives a waiting container this job, whose {@link #key} is {@code key}.
   *
   * @throws WarmStartException when the container is gone (then discarded): start it fresh
   */
  public Container handOff(
      WaitingContainer waiting, WarmKey key, ContainerRequest request, Stdio stdio) {
    return waiting.handOff(key.job(), request.binds(), stdio);
  }

  private static Set<String> scratchDestinations(ContainerRequest request) {
    return request.binds().stream()
        .filter(BindMount::ownedByJob)
        .map(BindMount::destination)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static String describe(ContainerExit exit) {
    if (exit instanceof ContainerExit.FailedToStart f) {
      return f.reason();
    }
    if (exit instanceof ContainerExit.Killed k) {
      return k.reason();
    }
    return "its process ended (status " + exit.status() + ") before it was ready";
  }
}
