package dev.mrt.cli;

import dev.mrt.image.ImageResolver;
import dev.mrt.image.store.ImageStore;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "images", description = "List the images pulled into the cache.")
public class ImagesCommand implements Callable<Integer> {
  private final ImageResolver images;

  public ImagesCommand(ImageResolver images) {
    this.images = images;
  }

  @Override
  public Integer call() {
    String format = "%-50s  %-19s  %10s  %s%n";
    System.out.printf(format, "REFERENCE", "DIGEST", "SIZE", "LAST USED");
    images.store().entries().stream()
        .sorted(Comparator.comparing(ImageStore.Entry::reference))
        .forEach(
            e ->
                System.out.printf(
                    format,
                    e.reference(),
                    e.manifest().toString().substring(0, 19),
                    PullCommand.megabytes(e.size()),
                    e.lastUsed().truncatedTo(ChronoUnit.SECONDS)));
    return 0;
  }
}
