package dev.mrt.cli;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.archivematica.HarnessRunner;
import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.bundle.Container;
import dev.mrt.bundle.ContainerRunner;
import dev.mrt.config.ArchivematicaConfig;
import dev.mrt.config.MrtConfig;
import dev.mrt.host.HostIds;
import dev.mrt.image.ImageResolver;
import dev.mrt.image.PreparedImage;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.runtime.Finding;
import dev.mrt.runtime.HostChecks;
import dev.mrt.runtime.RuncLocator;
import dev.mrt.runtime.Stdio;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "doctor",
    description =
        "Check what containers need on this host and print the fix for each problem. "
            + "Exits 0 only when every essential check passes.")
public class DoctorCommand implements Callable<Integer> {
  @Option(
      names = "--image",
      paramLabel = "REF",
      description =
          "Also check that this image can run Archivematica's client scripts"
              + " (mrt.archivematica.runner=archivematica): Django set up, MCPClient's harness"
              + " importable, its modules file found and every module importing.")
  Optional<String> image = Optional.empty();

  private final MrtConfig config;
  private final ArchivematicaConfig archivematica;
  private final RuncLocator locator;
  private final ImageResolver images;
  private final ContainerRunner runner;
  private final EmbeddedAssets assets;
  private final HostIds ids;

  public DoctorCommand(
      MrtConfig config,
      ArchivematicaConfig archivematica,
      RuncLocator locator,
      ImageResolver images,
      ContainerRunner runner,
      EmbeddedAssets assets,
      HostIds ids) {
    this.config = config;
    this.archivematica = archivematica;
    this.locator = locator;
    this.images = images;
    this.runner = runner;
    this.assets = assets;
    this.ids = ids;
  }

  @Override
  public Integer call() {
    List<Finding> findings = new ArrayList<>();
    findings.add(Finding.ok("java", false, java()));
    findings.add(writable("cache-dir", config.cacheDir()));
    findings.add(writable("state-dir", config.stateDir()));
    Path runc;
    try {
      runc = locator.runc();
      findings.add(Finding.ok("runc", true, runner.runc().version() + " at " + runc));
    } catch (MrtException e) {
      findings.add(Finding.problem("runc", true, e.getMessage(), "rebuild or reinstall mrt"));
      return report(findings);
    }
    findings.addAll(HostChecks.ofHost(ids).run(runc));
    if (findings.stream().allMatch(Finding::passes)) {
      findings.add(probe());
    }
    List<String> isolation = runner.isolation();
    isolation
        .subList(0, isolation.size() - 1)
        .forEach(line -> findings.add(Finding.ok("isolation", false, line)));
    String network = isolation.get(isolation.size() - 1);
    // Without pasta, jobs still get their own namespace, but one with loopback only.
    findings.add(
        runner.userModeNetworkUnavailable().isEmpty()
            ? Finding.ok("isolation", false, network)
            : Finding.problem(
                "isolation",
                false,
                network,
                "install passt for private networks"
                    + " (mrt run's default) and for functions that name endpoints"));
    if (image.isPresent() && findings.stream().allMatch(Finding::passes)) {
      findings.addAll(harness(image.get()));
    }
    return report(findings);
  }

  /** The archivematica runner's own --check, in a container of the image. */
  private List<Finding> harness(String ref) {
    PreparedImage prepared;
    try {
      prepared = images.resolve(ref);
    } catch (MrtException e) {
      return List.of(
          Finding.problem(
              "image",
              true,
              ref + " is not usable: " + e.getMessage(),
              "give a reference mrt can pull or a local image (mrt run --image takes the same)"));
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ContainerExit exit;
    try (Container c =
        runner.start(
            prepared,
            HarnessRunner.checkRequest(
                assets.mcpclientRunner(), archivematica.python(), System.getenv()),
            Stdio.captured(Optional.empty(), OutputStream.nullOutputStream(), err))) {
      exit = c.await(Optional.of(Duration.ofMinutes(5)));
    } catch (MrtException e) {
      return List.of(
          Finding.problem(
              "harness",
              true,
              "the runner did not start in " + ref + ": " + e.getMessage(),
              "set mrt.archivematica.python to the image's Python"));
    }
    List<Finding> out = new ArrayList<>();
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    for (String line : lines) {
      if (line.startsWith("missing: ")) {
        out.add(
            Finding.problem(
                "harness",
                true,
                line.substring("missing: ".length()),
                "use an Archivematica MCPClient image (README: getting the image)"));
      } else if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("Traceback")) {
        out.add(Finding.ok("harness", true, line));
      }
    }
    if (exit.status() != 0 && out.stream().allMatch(Finding::passes)) {
      out.add(
          Finding.problem(
              "harness",
              true,
              "the runner's check ended with status "
                  + exit.status()
                  + " in "
                  + ref
                  + ": "
                  + String.join(" | ", lines),
              "run `mrt run --image " + ref + " -- python3 -c 'import django'` to see why"));
    }
    return out;
  }

  /** The check that settles it: a real container from the default image. */
  private Finding probe() {
    Optional<String> failure = runner.probe(images.resolve(ImageResolver.DEFAULT));
    if (failure.isEmpty()) {
      return Finding.ok(
          "container",
          true,
          (runner.rootless() ? "rootless" : "rootful")
              + " container from the default image ran `true`");
    }
    return Finding.problem(
        "container",
        true,
        "a test container failed: " + failure.get(),
        "fix the findings above; if all pass, report this with `mrt --version`");
  }

  /**
   * Which JVM runs mrt and which class data archive it started with: the launcher picks both
   * (deploy/bin/mrt) and names the archive in a system property.
   */
  static String java() {
    String cache = System.getProperty("dev.mrt.launcher.jvm-cache");
    return System.getProperty("java.runtime.version", System.getProperty("java.version"))
        + " ("
        + System.getProperty("java.vm.vendor", "?")
        + ") at "
        + System.getProperty("java.home")
        + "; start-up archive: "
        + (cache == null ? "none named (not started by mrt's launcher, or MRT_JAVA_OPTS)" : cache);
  }

  private static Finding writable(String check, Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".doctor", "");
      Files.delete(probe);
      return Finding.ok(check, true, dir + " is writable");
    } catch (IOException e) {
      return Finding.problem(
          check,
          true,
          dir + " is not writable (" + IoErrors.describe(e) + ")",
          "set mrt."
              + check
              + " (MRT_"
              + check.toUpperCase().replace('-', '_')
              + ") to a directory this user owns");
    }
  }

  private static int report(List<Finding> findings) {
    PrintStream out = System.out;
    for (Finding f : findings) {
      String tag =
          switch (f.status()) {
            case OK -> "[ ok ]";
            case WARN -> "[warn]";
            case FAIL -> "[FAIL]";
          };
      out.println(tag + " " + f.check() + ": " + f.detail());
      if (!f.fix().isEmpty()) {
        out.println("       fix: " + f.fix());
      }
    }
    boolean ok = findings.stream().allMatch(Finding::passes);
    out.println(ok ? "mrt can run containers here." : "mrt cannot run containers here yet.");
    return ok ? 0 : 1;
  }
}
