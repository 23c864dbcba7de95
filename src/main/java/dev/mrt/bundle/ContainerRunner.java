package dev.mrt.bundle;

import dev.mrt.ByteSize;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.bundle.oci.User;
import dev.mrt.config.MrtConfig;
import dev.mrt.config.MrtPaths;
import dev.mrt.host.HostIds;
import dev.mrt.image.PreparedImage;
import dev.mrt.network.EndpointRelays;
import dev.mrt.network.Pasta;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.runtime.Runc;
import dev.mrt.runtime.RuncLocator;
import dev.mrt.runtime.Stdio;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes fresh containers: builds the spec (rootless when not root), writes a bundle, starts runc.
 * The first use removes what crashed mrt processes left in the state directory.
 */
@ApplicationScoped
public class ContainerRunner {
  private final Path stateDir;
  private final RuncLocator locator;
  private final HostIds ids;

  /** Host facts that hold for the life of the process, read once rather than per job. */
  private final DefaultSpec.Defaults defaults;

  private volatile RuntimeReady ready;
  private final CommandLookup commands = new CommandLookup();
  private final SeccompPolicy seccomp;
  private final HandoffHelper helper;
  private final SeccompFilters filters;
  private final NetworkSetup network;

  public ContainerRunner(
      MrtConfig.Container container,
      MrtPaths paths,
      RuncLocator locator,
      HandoffHelper helper,
      HostIds ids) {
    this.stateDir = paths.stateDir();
    this.locator = locator;
    this.helper = helper;
    this.filters = new SeccompFilters(helper);
    this.ids = ids;
    this.defaults =
        new DefaultSpec.Defaults(
            container.path(),
            container.hostname(),
            Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")),
            Limits.of(container, "mrt.container.*"),
            ByteSize.parseAtLeast1M(container.tmpSize(), "mrt.container.tmp-size"),
            ByteSize.parseAtLeast1M(container.runSize(), "mrt.container.run-size"));
    this.network =
        new NetworkSetup(
            Pasta.locate(container.pasta()), new EndpointRelays(), stateDir.resolve("network"));
    this.seccomp = new SeccompPolicy(container.seccomp());
  }

  /** The exact spec a job would run with. */
  public Spec spec(PreparedImage image, ContainerRequest request) {
    return withProfile(specWithoutSeccomp(image, request), request);
  }

  private Spec specWithoutSeccomp(PreparedImage image, ContainerRequest request) {
    User user = ImageUser.resolve(image, ids.rootless(), request.rootlessUser());
    Spec spec = DefaultSpec.build(image.rootfs(), image.config(), user, request, defaults);
    if (spec.process().args().isEmpty()) {
      throw new MrtException(
          "image "
              + image.name()
              + " has no Entrypoint or Cmd;"
              + " give the command to run after --");
    }
    if (ids.rootless()) {
      spec = Rootless.toRootless(spec, ids.uid(), ids.gid());
      if (spec.linux().resources() != null && !defaults.cgroupV2()) {
        // runc would fail late with a cgroup error; say what to change instead.
        throw new MrtException(
            "memory and cpus limits need root or cgroup v2 with"
                + " delegation, and this host has cgroup v1; unset them (mrt.container.*,"
                + " mrt.functions.*, --memory/--cpus) or run mrt as root (pids-limit applies"
                + " rootless anywhere)");
      }
    }
    return SpecValidator.validate(network.apply(spec, request.network()));
  }

  private Spec withProfile(Spec spec, ContainerRequest request) {
    return spec.withLinux(
        spec.linux().withSeccomp(seccomp.profile(request.seccomp()).orElse(null)));
  }

  /**
   * Starts a container for the request. When its command is the image's, its seccomp filter, once
   * compiled, is loaded by mrt's helper rather than compiled again by runc ({@link
   * SeccompFilters#freshStart}); the default profile's is found, or first compiled, by the digest
   * and rules the build recorded, without the profile being read.
   *
   * @throws CommandNotFoundException before anything is created, when the image lacks the command
   */
  public Container start(PreparedImage image, ContainerRequest request, Stdio stdio) {
    Spec job = specWithoutSeccomp(image, request);
    commands.check(image, request, job);
    Spec spec =
        !CommandLookup.inImage(request, job)
            ? withProfile(job, request)
            : seccomp
                .knownRules(request.seccomp())
                .flatMap(rules -> filters.precompiledStart(job, rules, seccomp::knownRulesText))
                .orElseGet(() -> filters.freshStart(withProfile(job, request)));
    RuntimeReady r = prepareHost(image, spec, request.binds());
    Bundle bundle = r.store().create(spec);
    try {
      return new Container(
          bundle, r.runc().run(bundle.containerId(), bundle.dir(), stdio), r.store(), r.runc());
    } catch (RuntimeException e) {
      r.store().destroy(bundle, r.runc());
      throw e;
    }
  }

  /**
   * The job's spec, once its command is known to be there.
   *
   * @throws CommandNotFoundException when the image lacks the command
   */
  Spec checkedSpec(PreparedImage image, ContainerRequest request) {
    Spec spec = spec(image, request);
    commands.check(image, request, spec);
    return spec;
  }

  /** What the host must have before runc starts {@code spec}: mount points, scratch owners. */
  RuntimeReady prepareHost(PreparedImage image, Spec spec, List<BindMount> binds) {
    MountPoints.prepare(image.rootfs(), spec);
    handOver(binds, spec.process().user());
    return ready();
  }

  /** Rootful jobs running as an image's own user get the scratch directories mrt made them. */
  private void handOver(List<BindMount> binds, User user) {
    if (!ids.rootless()) {
      binds.forEach(b -> b.handTo(user));
    }
  }

  /**
   * Runs {@code true} in a container of {@code image}: the proof that jobs would run here.
   *
   * @return empty when it ran and exited 0, else why not
   */
  public Optional<String> probe(PreparedImage image) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (Container c =
        start(
            image,
            ContainerRequest.of("true"),
            Stdio.captured(Optional.empty(), OutputStream.nullOutputStream(), err))) {
      ContainerExit exit = c.await(Optional.of(Duration.ofSeconds(60)));
      if (exit instanceof ContainerExit.Exited e && e.status() == 0) {
        return Optional.empty();
      }
      return Optional.of(
          exit instanceof ContainerExit.FailedToStart f
              ? f.reason()
              : "ended with status "
                  + exit.status()
                  + " "
                  + err.toString(StandardCharsets.UTF_8).strip());
    } catch (MrtException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * What every container here is held to, as this host and user enforce it: for serve's start and
   * doctor, so neither claims a bound that is not applied.
   */
  public List<String> isolation() {
    Limits l = defaults.limits();
    boolean cgroups = !ids.rootless() || defaults.cgroupV2();
    List<String> out = new ArrayList<>();
    out.add(
        (ids.rootless() ? "rootless (user namespace, one id)" : "rootful")
            + "; read-only root; no new privileges; 3 capabilities");
    out.add(
        "processes: "
            + l.pids().stream().mapToObj(Long::toString).findFirst().orElse("no cap")
            + (l.pids().isPresent()
                ? (ids.rootless() ? " (RLIMIT_NPROC)" : " (pids cgroup)")
                : ""));
    out.add(
        "memory: "
            + l.memoryBytes().stream().mapToObj(b -> b + " bytes").findFirst().orElse("no limit")
            + ", cpus: "
            + l.cpus().map(Object::toString).orElse("no limit")
            + (cgroups ? "" : " (cgroup v1 rootless: cannot be set)"));
    out.add("/tmp " + defaults.tmpSize() + " bytes, /run " + defaults.runSize() + " bytes");
    out.add(seccomp.describe());
    out.add(
        "network: a namespace of its own per container unless set to host (serve: per"
            + " function, default none; run: private)"
            + network
                .userModeUnavailable()
                .map(why -> "; private and endpoint networks unavailable: " + why)
                .orElse("; pasta links private and endpoint networks"));
    return out;
  }

  /**
   * Loads a seccomp setting now, so a function's bad profile stops serve at start.
   *
   * @throws dev.mrt.MrtException naming the profile and what is wrong with it
   */
  public void checkSeccomp(Optional<String> setting) {
    seccomp.profile(setting);
  }

  /** Why private and endpoint networks cannot be had here, or empty when they can. */
  public Optional<String> userModeNetworkUnavailable() {
    return network.userModeUnavailable();
  }

  /** Whether containers here run rootless (mrt is not root). */
  public boolean rootless() {
    return ids.rootless();
  }

  /** The runc in use, after crash cleanup. */
  public Runc runc() {
    return ready().runc();
  }

  /**
   * Ends the orphan guard, if one was started, for a CLI command whose containers have all ended
   * and that is about to exit: the guard then finds nothing to clean. Left running, it would cost
   * the exit 300 ms: the JDK waits in waitpid() for it, and the JVM's exit waits that long for
   * threads in native code. Containers started after this have no guard; the daemon never calls it.
   */
  public void endGuard() {
    RuntimeReady r = ready;
    if (r != null) {
      r.guard().close();
    }
  }

  /** Seccomp filters compiled once, shared with warm containers. */
  SeccompFilters seccompFilters() {
    return filters;
  }

  /** mrt's helper, unpacked on first use. */
  HandoffHelper helper() {
    return helper;
  }

  RuntimeReady ready() {
    RuntimeReady r = ready;
    if (r == null) {
      synchronized (this) {
        r = ready;
        if (r == null) {
          r = RuntimeReady.open(stateDir, locator);
          ready = r;
        }
      }
    }
    return r;
  }
}
