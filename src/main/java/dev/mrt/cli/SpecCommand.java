package dev.mrt.cli;

import dev.mrt.bundle.ContainerRunner;
import dev.mrt.bundle.SpecJson;
import dev.mrt.image.ImageResolver;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "spec",
    description = "Print the OCI config.json that `mrt run` would use with the same options.")
public class SpecCommand implements Callable<Integer> {

  @Mixin ContainerOptions options;

  private final ImageResolver images;
  private final ContainerRunner runner;

  public SpecCommand(ImageResolver images, ContainerRunner runner) {
    this.images = images;
    this.runner = runner;
  }

  @Override
  public Integer call() {
    System.out.print(
        SpecJson.toJson(
            runner.spec(
                images.resolve(options.image),
                options.toRequest(runner.userModeNetworkUnavailable()))));
    return 0;
  }
}
