package dev.mrt.cli;

import dev.mrt.image.ImageGc;
import dev.mrt.image.ImageResolver;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "gc",
    description =
        "Remove blobs no image name refers to and unpacked images"
            + " not in use; with mrt.images.cache-budget, also the least recently used unpacked images"
            + " until the cache fits.")
public class GcCommand implements Callable<Integer> {
  private final ImageResolver images;

  public GcCommand(ImageResolver images) {
    this.images = images;
  }

  @Override
  public Integer call() {
    ImageGc.Report r = images.gc();
    System.out.printf(
        "removed %d blobs and %d unpacked images, %s%n",
        r.blobs(), r.unpacked(), PullCommand.megabytes(r.bytes()));
    return 0;
  }
}
