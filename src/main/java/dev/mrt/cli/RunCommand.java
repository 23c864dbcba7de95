package dev.mrt.cli;

import dev.mrt.bundle.Container;
import dev.mrt.bundle.ContainerRunner;
import dev.mrt.bundle.ContainerStartException;
import dev.mrt.image.ImageResolver;
import dev.mrt.image.PreparedImage;
import dev.mrt.runtime.ContainerExit;
import dev.mrt.runtime.RuncErrors;
import dev.mrt.runtime.Stdio;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    description =
        "Run a command in a fresh container and exit with its status "
            + "(124 on timeout, 125 when mrt fails, 127 when the command is not in the image).")
public class RunCommand implements Callable<Integer> {

  @Mixin ContainerOptions options;

  @Option(
      names = {"-i", "--interactive"},
      description = "Pass standard input to the command.")
  boolean stdin;

  private final ImageResolver images;
  private final ContainerRunner runner;

  public RunCommand(ImageResolver images, ContainerRunner runner) {
    this.images = images;
    this.runner = runner;
  }

  @Override
  public Integer call() {
    try {
      return runOne();
    } finally {
      // The container is gone: end the orphan guard now rather than leave the JVM's exit to
      // wait on it (300 ms, see ContainerRunner#endGuard).
      runner.endGuard();
    }
  }

  private int runOne() {
    PreparedImage image = images.resolve(options.image);
    try (Container container =
        runner.start(
            image,
            options.toRequest(runner.userModeNetworkUnavailable()),
            Stdio.passThrough(stdin))) {
      // Ctrl-C or SIGTERM to mrt must not leave the container running.
      Thread cleanup = new Thread(() -> container.kill("mrt was stopped"), "mrt-run-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      ContainerExit exit = container.await(options.timeout());
      removeHook(cleanup);
      if (exit instanceof ContainerExit.FailedToStart f) {
        throw new ContainerStartException(f.reason(), RuncErrors.hint(f.reason()));
      }
      if (exit instanceof ContainerExit.TimedOut t) {
        System.err.println(
            "mrt: timed out after "
                + DurationConverter.format(t.after())
                + "; the container was killed");
      } else if (exit instanceof ContainerExit.Killed k) {
        System.err.println("mrt: " + k.reason() + "; the container was killed");
      }
      return exit.status();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is already running; it kills a container that has ended, which is harmless.
    }
  }
}
