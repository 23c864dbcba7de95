package dev.mrt.image;

import dev.mrt.image.registry.DigestMismatchException;
import dev.mrt.image.registry.Descriptor;
import dev.mrt.image.registry.PulledManifest;
import dev.mrt.image.registry.RegistryClient;
import dev.mrt.image.registry.RegistryException;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.Compression;
import dev.mrt.image.tar.TarExtractor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Pulls a registry image into the {@link ImageStore} and unpacks it into a bundle shared by every
 * job on it. The bundle is made under {@link PreparedDirectory}'s lock, and missing layers are
 * fetched inside it, so concurrent processes pulling the same image download it once.
 */
public final class ImagePuller {
  private static final int BUFFER = 256 * 1024;
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(ImagePuller.class);

  /** Told about pulls as they happen (progress bars, metrics). Must be quick and not throw. */
  public interface Progress {
    /** The manifest is known: {@code total} bytes of blobs, {@code missing} of them to fetch. */
    default void started(PulledManifest manifest, long missing) {}

    /** {@code bytes} more arrived (negative when a transfer restarted). */
    default void transferred(long bytes) {}

    Progress NONE = new Progress() {};
  }

  private final RegistryClient client;
  private final ImageStore store;
  private final TarExtractor extractor;

  public ImagePuller(RegistryClient client, ImageStore store, TarExtractor extractor) {
    this.client = client;
    this.store = store;
    this.extractor = extractor;
  }

  /** What a pull did, for the CLI and metrics. */
  public record Result(PreparedImage image, PulledManifest manifest, long bytesFetched) {}

  /**
   * Resolves {@code ref} at the registry and makes sure its bundle is ready.
   *
   * @throws RegistryException naming the reference
   */
  public Result pull(ImageReference ref, Platform platform, Progress progress) {
    PulledManifest m = client.manifest(ref, platform);
    store.putBlob(m.digest(), m.bytes());
    List<Descriptor> missing = new java.util.ArrayList<>();
    if (!store.hasBlob(m.config().digest(), m.config().size())) {
      missing.add(m.config());
    }
    // Layers are only needed while the bundle is missing: read later under its lock.
    progress.started(m, missing.stream().mapToLong(Descriptor::size).sum());
    long[] fetched = {0};
    fetch(ref, missing, progress, fetched);
    ImageConfig config = RegistryClient.readConfig(ref.toString(), read(m.config().digest()));
    if (config.diffIds().size() != m.layers().size()) {
      throw new RegistryException(ref.toString(), RegistryException.Reason.PROTOCOL, "the config"
          + " lists " + config.diffIds().size() + " diff_ids for " + m.layers().size()
          + " layers", null);
    }
    Path bundle = PreparedDirectory.ensure(store.root(), "bundles/sha256-" + m.digest().hex(),
        m.digest().toString(), temp -> {
          List<Descriptor> layers = m.layers().stream()
              .filter(l -> !store.hasBlob(l.digest(), l.size())).toList();
          long t0 = System.nanoTime();
          fetch(ref, layers, progress, fetched);
          long t1 = System.nanoTime();
          unpack(ref, m, config, temp.resolve("rootfs"));
          LOG.infof("%s: fetched %d layers in %d ms, unpacked in %d ms", ref, layers.size(),
              (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
          Files.write(temp.resolve("config.json"), read(m.config().digest()));
        });
    String name = ref.digest().isPresent() && ref.tag().isEmpty()
        ? ref.toString() : ref.toString().replaceFirst("@sha256:[0-9a-f]+$", "");
    store.record(name, m.digest(), m.totalSize());
    return new Result(new PreparedImage(name, m.digest().toString(), bundle.resolve("rootfs"),
        config), m, fetched[0]);
  }

  /**
   * The bundle of a name pulled before, without asking the registry (as docker runs a local
   * image without pulling); empty when it was never pulled or its bundle is gone.
   */
  public Optional<PreparedImage> cached(ImageReference ref) {
    return store.find(ref.toString()).flatMap(e -> {
      Path bundle = store.bundle(e.manifest());
      try {
        if (!e.manifest().toString().equals(
            Files.readString(bundle.resolve(PreparedDirectory.MARKER)))) {
          return Optional.empty();
        }
        ImageConfig config = RegistryClient.readConfig(ref.toString(),
            Files.readAllBytes(bundle.resolve("config.json")));
        store.record(e.reference(), e.manifest(), e.size());
        return Optional.of(new PreparedImage(e.reference(), e.manifest().toString(),
            bundle.resolve("rootfs"), config));
      } catch (IOException notThere) {
        return Optional.empty();
      }
    });
  }

  private void fetch(ImageReference ref, List<Descriptor> blobs, Progress progress,
      long[] fetched) {
    if (blobs.isEmpty()) {
      return;
    }
    java.util.Map<Descriptor, Path> temps = new java.util.concurrent.ConcurrentHashMap<>();
    try {
      client.fetchBlobs(ref, blobs, d -> temps.computeIfAbsent(d, x -> store.tempBlob(x.digest())),
          n -> {
            progress.transferred(n);
            synchronized (fetched) {
              fetched[0] += n;
            }
          });
      blobs.forEach(d -> store.commit(temps.get(d), d.digest()));
    } finally {
      for (Path t : temps.values()) {
        try {
          Files.deleteIfExists(t);
        } catch (IOException ignored) {
          // A stray temp file is removed by gc.
        }
      }
    }
  }

  /** Applies the layers in order, checking each one's uncompressed sha256 against diff_ids. */
  private void unpack(ImageReference ref, PulledManifest m, ImageConfig config, Path rootfs)
      throws IOException {
    TarExtractor.Layers layers = extractor.layers(rootfs);
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor layer = m.layers().get(i);
      Digest diffId = config.diffIds().get(i);
      MessageDigest md = sha256();
      try (InputStream file = Files.newInputStream(store.blob(layer.digest()));
          BufferedInputStream buffered = new BufferedInputStream(file, BUFFER);
          InputStream plain = Compression.detect(buffered).decompress(buffered, BUFFER);
          DigestInputStream hashed = new DigestInputStream(plain, md)) {
        layers.apply(hashed, "layer " + layer.digest() + " of " + ref);
        hashed.transferTo(OutputStream.nullOutputStream()); // the tar's trailing padding
      }
      Digest actual = Digest.of(md.digest());
      if (!actual.equals(diffId)) {
        throw new DigestMismatchException(ref.toString(), "layer " + layer.digest()
            + " uncompressed (diff_id)", diffId, -1, actual.toString(), -1);
      }
    }
    layers.finish();
  }

  private byte[] read(Digest d) {
    try {
      return Files.readAllBytes(store.blob(d));
    } catch (IOException e) {
      throw new ImageException("cannot read " + store.blob(d) + " (" + e.getMessage()
          + "); remove it and pull again", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
