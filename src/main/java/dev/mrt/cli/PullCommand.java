package dev.mrt.cli;

import dev.mrt.image.ImagePuller;
import dev.mrt.image.ImageReference;
import dev.mrt.image.ImageResolver;
import dev.mrt.image.Platform;
import dev.mrt.image.registry.PulledManifest;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "pull",
    description = "Pull an image from a registry into the cache and unpack it, ready for jobs.")
public class PullCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "REF",
      description = "[registry/]name[:tag][@sha256:digest], e.g. 127.0.0.1:5000/tools:1.")
  String reference;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "Which image of a multi-platform index. Default: this host's (linux/amd64 or"
              + " linux/arm64; with mrt.runc set, any CPU's, e.g. linux/riscv64).")
  String platform;

  private final ImageResolver images;

  public PullCommand(ImageResolver images) {
    this.images = images;
  }

  @Override
  public Integer call() {
    ImageReference ref = ImageReference.parse(reference);
    Platform wanted = platform == null ? images.hostPlatform() : Platform.parse(platform);
    long start = System.nanoTime();
    // On stderr: stdout carries only the digest, for scripts. A bar only on a terminal; logs and
    // pipes get plain lines.
    boolean terminal = System.console() != null;
    ProgressBar[] bar = {null};
    ImagePuller.Result r;
    try {
      r =
          images.pull(
              ref,
              wanted,
              new ImagePuller.Progress() {
                @Override
                public void started(PulledManifest m, long missing) {
                  System.err.printf(
                      "pulling %s (%s, %d layers, %s)%n",
                      ref, m.digest(), m.layers().size(), megabytes(m.totalSize()));
                  if (terminal) {
                    bar[0] =
                        new ProgressBarBuilder()
                            .setTaskName("pull")
                            .setInitialMax(m.totalSize())
                            .setUnit(" MB", 1_000_000)
                            .showSpeed()
                            .setConsumer(new ConsoleProgressBarConsumer(System.err))
                            .build();
                  }
                }

                @Override
                public void transferred(long bytes) {
                  if (bar[0] != null) {
                    bar[0].stepBy(bytes);
                  }
                }
              });
    } finally {
      if (bar[0] != null) {
        bar[0].close();
      }
    }
    System.err.printf(
        "pulled %s: fetched %s in %.2f s%n",
        r.image().name(), megabytes(r.bytesFetched()), (System.nanoTime() - start) / 1e9);
    System.out.println(r.manifest().digest());
    return 0;
  }

  static String megabytes(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }
}
