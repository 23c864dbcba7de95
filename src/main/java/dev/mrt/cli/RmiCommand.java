package dev.mrt.cli;

import dev.mrt.MrtException;
import dev.mrt.image.ImageReference;
import dev.mrt.image.ImageResolver;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rmi", description = "Forget a pulled image's name; `mrt gc` then frees its space.")
public class RmiCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "REF")
  String reference;

  private final ImageResolver images;

  public RmiCommand(ImageResolver images) {
    this.images = images;
  }

  @Override
  public Integer call() {
    String name = ImageReference.parse(reference).toString();
    if (images.store().remove(name).isEmpty()) {
      throw new MrtException("no image " + name + " in the cache; `mrt images` lists them");
    }
    System.out.println("removed " + name);
    return 0;
  }
}
