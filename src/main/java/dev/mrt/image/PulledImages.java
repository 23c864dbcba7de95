package dev.mrt.image;

import dev.mrt.image.registry.ManifestReader;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.store.PreparedDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names pulled before whose prepared rootfs is here, as the store's index says. A daemon asks for
 * every job: the answer is remembered until the index changes (a pull, rmi or gc in any process
 * rewrites it) or the rootfs loses its marker, so a job costs two stats instead of two locked index
 * reads, two file reads and an index rewrite. The last-used time gc orders by is written only when
 * it is over a minute old: a rewrite on every look-up would end every other name's memo (and every
 * other process's) at once.
 */
final class PulledImages {
  private static final Duration RECORD_EVERY = Duration.ofMinutes(1);

  private record Known(PreparedImage image, Optional<ImageStore.IndexStamp> stamp, long recorded) {}

  private final ImageStore store;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  PulledImages(ImageStore store) {
    this.store = store;
  }

  /** Empty when the name was never pulled or its root filesystem is gone. */
  Optional<PreparedImage> find(String name) {
    Known k = known.get(name);
    if (k != null
        && System.nanoTime() - k.recorded() < RECORD_EVERY.toNanos()
        && k.stamp().isPresent()
        && k.stamp().equals(store.indexStamp())
        && Files.isRegularFile(k.image().rootfs().resolveSibling(PreparedDirectory.MARKER))) {
      return Optional.of(k.image());
    }
    Optional<PreparedImage> found = lookUp(name);
    found.ifPresentOrElse(
        image -> known.put(name, new Known(image, store.indexStamp(), System.nanoTime())),
        () -> known.remove(name));
    return found;
  }

  private Optional<PreparedImage> lookUp(String name) {
    return store
        .find(name)
        .flatMap(
            e -> {
              Path prepared = store.imageRootfs(e.manifest());
              try {
                if (!e.manifest()
                    .toString()
                    .equals(Files.readString(prepared.resolve(PreparedDirectory.MARKER)))) {
                  return Optional.empty();
                }
                ImageConfig config =
                    ManifestReader.readConfig(
                        name, Files.readAllBytes(prepared.resolve("config.json")));
                if (e.lastUsed().isBefore(Instant.now().minus(RECORD_EVERY))) {
                  store.record(e.reference(), e.manifest(), e.size());
                }
                return Optional.of(
                    new PreparedImage(
                        e.reference(),
                        e.manifest().toString(),
                        prepared.resolve("rootfs"),
                        config));
              } catch (IOException notThere) {
                return Optional.empty();
              }
            });
  }
}
