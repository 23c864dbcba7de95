package dev.mrt.cli;

import dev.mrt.MrtException;
import dev.mrt.bundle.ContainerRunner;
import dev.mrt.config.MrtConfig;
import dev.mrt.image.ImageResolver;
import dev.mrt.runtime.Finding;
import dev.mrt.runtime.HostChecks;
import dev.mrt.runtime.RuncLocator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "doctor",
    description = "Check what containers need on this host and print the fix for each problem. "
        + "Exits 0 only when every essential check passes.")
public class DoctorCommand implements Callable<Integer> {
  private final MrtConfig config;
  private final RuncLocator locator;
  private final ImageResolver images;
  private final ContainerRunner runner;

  public DoctorCommand(
      MrtConfig config, RuncLocator locator, ImageResolver images, ContainerRunner runner) {
    this.config = config;
    this.locator = locator;
    this.images = images;
    this.runner = runner;
  }

  @Override
  public Integer call() {
    List<Finding> findings = new ArrayList<>();
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
    findings.addAll(HostChecks.ofHost().run(runc));
    if (findings.stream().allMatch(Finding::passes)) {
      findings.add(probe());
    }
    return report(findings);
  }

  /** The check that settles it: a real container from the default image. */
  private Finding probe() {
    Optional<String> failure = runner.probe(images.resolve(ImageResolver.DEFAULT));
    if (failure.isEmpty()) {
      return Finding.ok("container", true, (runner.rootless() ? "rootless" : "rootful")
          + " container from the default image ran `true`");
    }
    return Finding.problem("container", true, "a test container failed: " + failure.get(),
        "fix the findings above; if all pass, report this with `mrt --version`");
  }

  private static Finding writable(String check, Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".doctor", "");
      Files.delete(probe);
      return Finding.ok(check, true, dir + " is writable");
    } catch (IOException e) {
      return Finding.problem(check, true, dir + " is not writable (" + dev.mrt.IoErrors.describe(e)
          + ")", "set mrt." + check + " (MRT_" + check.toUpperCase().replace('-', '_')
          + ") to a directory this user owns");
    }
  }

  private static int report(List<Finding> findings) {
    PrintStream out = System.out;
    for (Finding f : findings) {
      String tag = switch (f.status()) {
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
