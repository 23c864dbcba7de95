package dev.mrt.cli;

import dev.mrt.image.ImageResolver;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * What the launcher trains {@code mrt pull}'s AOT cache on (JDK 25+), in a cache directory of its
 * own: one pull from {@link TrainingRegistry}. Trained on {@code mrt run} instead, each pull loaded
 * the JDK's HTTP client and the registry code cold: measured, a 30 MB pull 1.22 s from that cache,
 * 1.08 s from one trained on this.
 */
@Command(
    name = "train-pull",
    hidden = true,
    description =
        "Pull a small image from a registry served in memory on 127.0.0.1 (the"
            + " launcher runs this to train the JVM's AOT cache).")
public class TrainPullCommand implements Callable<Integer> {
  private final ImageResolver images;

  public TrainPullCommand(ImageResolver images) {
    this.images = images;
  }

  @Override
  public Integer call() throws Exception {
    try (TrainingRegistry registry = TrainingRegistry.start(images.hostPlatform())) {
      PullCommand pull = new PullCommand(images);
      pull.reference = registry.reference();
      return pull.call();
    }
  }
}
