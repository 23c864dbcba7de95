package dev.mrt.image;

import dev.mrt.image.registry.BlobSource;
import dev.mrt.image.registry.Descriptor;
import dev.mrt.image.registry.ManifestReader;
import dev.mrt.image.registry.PulledManifest;
import dev.mrt.image.registry.RegistryException;
import dev.mrt.image.store.CacheLayout;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.TarExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Pulls a registry image into the {@link ImageStore} and unpacks it into a prepared rootfs shared
 * by every job on it. It is made under {@link PreparedDirectory}'s lock, and missing layers are
 * fetched inside it, so concurrent processes pulling the same image download it once.
 */
public final class ImagePuller {
  private static final Logger LOG = Logger.getLogger(ImagePuller.class);

  /** Told about pulls as they happen (progress bars, metrics). Must be quick and not throw. */
  public interface Progress {
    /** The manifest is known: {@code total} bytes of blobs, {@code missing} of them to fetch. */
    default void started(PulledManifest manifest, long missing) {}

    /** {@code bytes} more arrived (negative when a transfer restarted). */
    default void transferred(long bytes) {}

    Progress NONE = new Progress() {};
  }

  private final ImageStore store;
  private final LayerUnpacker layers;
  private final PulledImages pulled;

  public ImagePuller(ImageStore store, TarExtractor extractor) {
    this.store = store;
    this.layers = new LayerUnpacker(store, extractor);
    this.pulled = new PulledImages(store);
  }

  /** What a pull did, for the CLI and metrics. */
  public record Result(PreparedImage image, PulledManifest manifest, long bytesFetched) {}

  /**
   * Resolves the image at its source and makes sure its prepared root filesystem is ready.
   *
   * @throws RegistryException naming the image
   */
  public Result pull(BlobSource source, Platform platform, Progress progress) {
    String ref = source.name();
    PulledManifest m = source.manifest(platform);
    store.putBlob(m.digest(), m.bytes());
    List<Descriptor> missing = new ArrayList<>();
    if (!store.hasBlob(m.config().digest(), m.config().size())) {
      missing.add(m.config());
    }
    // Layers are only needed while the prepared rootfs is missing: read later under its lock.
    progress.started(m, missing.stream().mapToLong(Descriptor::size).sum());
    PullTransfers transfers = new PullTransfers(source, store, progress);
    transfers.fetch(missing);
    ImageConfig config = ManifestReader.readConfig(ref, read(m.config().digest()));
    if (config.diffIds().size() != m.layers().size()) {
      throw new RegistryException(
          ref,
          RegistryException.Reason.PROTOCOL,
          "the config"
              + " lists "
              + config.diffIds().size()
              + " diff_ids for "
              + m.layers().size()
              + " layers",
          null);
    }
    CacheLayout layout = store.layout();
    Path prepared =
        PreparedDirectory.ensure(
            layout.root(),
            layout.imageRootfsName(m.digest()),
            m.digest().toString(),
            temp -> {
              long t0 = System.nanoTime();
              layers.unpack(m, config, temp.resolve("rootfs"), transfers);
              LOG.infof(
                  "%s: fetched and unpacked %d layers in %d ms",
                  ref, m.layers().size(), (System.nanoTime() - t0) / 1_000_000);
              Files.write(temp.resolve("config.json"), read(m.config().digest()));
            });
    String name = ref;
    store.record(name, m.digest(), m.totalSize());
    return new Result(
        new PreparedImage(name, m.digest().toString(), prepared.resolve("rootfs"), config),
        m,
        transfers.bytes());
  }

  /**
   * The prepared rootfs of a name pulled before, without asking the registry (as docker runs a
   * local image without pulling); empty when it was never pulled or its root filesystem is gone.
   */
  public Optional<PreparedImage> cached(String name) {
    return pulled.find(name);
  }

  private byte[] read(Digest d) {
    try {
      return Files.readAllBytes(store.blob(d));
    } catch (IOException e) {
      throw new ImageException(
          "cannot read " + store.blob(d) + " (" + e.getMessage() + "); remove it and pull again",
          e);
    }
  }
}
