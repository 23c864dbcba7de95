package dev.mrt.image;

import dev.mrt.DaemonThreads;
import dev.mrt.image.registry.BlobSource;
import dev.mrt.image.registry.Descriptor;
import dev.mrt.image.registry.DigestMismatchException;
import dev.mrt.image.registry.ManifestReader;
import dev.mrt.image.registry.PulledManifest;
import dev.mrt.image.registry.RegistryClient;
import dev.mrt.image.registry.RegistryException;
import dev.mrt.image.store.CacheLayout;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.Compression;
import dev.mrt.image.tar.TarExtractor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Pulls a registry image into the {@link ImageStore} and unpacks it into a prepared rootfs shared
 * by every job on it. It is made under {@link PreparedDirectory}'s lock, and missing layers are
 * fetched inside it, so concurrent processes pulling the same image download it once.
 */
public final class ImagePuller {
  private static final int BUFFER = 256 * 1024;

  /** Between a layer's download and its unpacking: enough to ride out short stalls of either. */
  private static final int PIPE = 4 * 1024 * 1024;

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
  private final TarExtractor extractor;
  private final PulledImages pulled;

  public ImagePuller(ImageStore store, TarExtractor extractor) {
    this.store = store;
    this.extractor = extractor;
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
    long[] fetched = {0};
    fetch(source, missing, progress, fetched);
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
              unpackWhileFetching(source, m, config, temp.resolve("rootfs"), progress, fetched);
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
        fetched[0]);
  }

  /**
   * The prepared rootfs of a name pulled before, without asking the registry (as docker runs a
   * local image without pulling); empty when it was never pulled or its root filesystem is gone.
   */
  public Optional<PreparedImage> cached(String name) {
    return pulled.find(name);
  }

  private void fetch(BlobSource source, List<Descriptor> blobs, Progress progress, long[] fetched) {
    if (blobs.isEmpty()) {
      return;
    }
    Map<Descriptor, Path> temps = new ConcurrentHashMap<>();
    try {
      source.fetchBlobs(
          blobs,
          d -> temps.computeIfAbsent(d, x -> store.tempBlob(x.digest())),
          n -> count(progress, fetched, n));
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

  /**
   * Applies the layers in order while they download: the first layer is unpacked as its bytes
   * arrive (through a pipe), the others download meanwhile and are unpacked from the store. Bytes
   * are unpacked before their blob's digest is known; that is safe because the extractor refuses
   * hostile entries whatever their origin, and everything goes into the prepared rootfs's temp
   * directory, which is deleted when a digest then fails.
   */
  private void unpackWhileFetching(
      BlobSource source,
      PulledManifest m,
      ImageConfig config,
      Path rootfs,
      Progress progress,
      long[] fetched)
      throws IOException {
    List<Descriptor> missing =
        m.layers().stream().filter(l -> !store.hasBlob(l.digest(), l.size())).distinct().toList();
    Descriptor first = m.layers().isEmpty() ? null : m.layers().get(0);
    boolean streamFirst = first != null && missing.contains(first);
    List<Descriptor> rest = missing.stream().filter(d -> !d.equals(first)).toList();
    ExecutorService background =
        Executors.newFixedThreadPool(2, DaemonThreads.factory("mrt-pull-layers"));
    try {
      Future<?> others = background.submit(() -> fetch(source, rest, progress, fetched));
      TarExtractor.Layers layers = extractor.layers(rootfs);
      for (int i = 0; i < m.layers().size(); i++) {
        Descriptor layer = m.layers().get(i);
        if (i == 0 && streamFirst) {
          streamLayer(
              source, layer, config.diffIds().get(0), layers, background, progress, fetched);
          continue;
        }
        if (rest.contains(layer)) {
          await(others);
        }
        try (InputStream file = Files.newInputStream(store.blob(layer.digest()))) {
          unpackLayer(source.name(), layer, config.diffIds().get(i), file, layers);
        }
      }
      await(others);
      layers.finish();
    } finally {
      background.shutdownNow();
    }
  }

  /** Downloads a layer into the store while unpacking the same bytes from a pipe. */
  private void streamLayer(
      BlobSource source,
      Descriptor layer,
      Digest diffId,
      TarExtractor.Layers layers,
      ExecutorService background,
      Progress progress,
      long[] fetched)
      throws IOException {
    Path temp = store.tempBlob(layer.digest());
    PipedInputStream pipeIn = new PipedInputStream(PIPE);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    Future<?> download =
        background.submit(
            () -> source.fetchBlob(layer, temp, n -> count(progress, fetched, n), pipeOut));
    RuntimeException unpackFailure = null;
    try (pipeIn) {
      unpackLayer(source.name(), layer, diffId, pipeIn, layers);
    } catch (RuntimeException e) {
      unpackFailure = e;
    }
    try {
      // The download's verdict first: a corrupt blob explains a failed unpack, not the reverse.
      await(download);
    } catch (RegistryClient.CopyFailedException readerStopped) {
      // The unpack stopped reading; its failure is the one to report.
    } catch (RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    if (unpackFailure != null) {
      Files.deleteIfExists(temp);
      throw unpackFailure;
    }
    store.commit(temp, layer.digest());
  }

  /** Applies one compressed or plain layer, checking its uncompressed sha256 (diff_id). */
  private void unpackLayer(
      String ref, Descriptor layer, Digest diffId, InputStream in, TarExtractor.Layers layers)
      throws IOException {
    MessageDigest md = Digest.hasher();
    try (BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
        InputStream plain = Compression.detect(buffered).decompress(buffered, BUFFER);
        DigestInputStream hashed = new DigestInputStream(plain, md)) {
      layers.apply(hashed, "layer " + layer.digest() + " of " + ref);
      hashed.transferTo(OutputStream.nullOutputStream()); // the tar's trailing padding
    }
    Digest actual = Digest.of(md.digest());
    if (!actual.equals(diffId)) {
      throw new DigestMismatchException(
          ref,
          "layer " + layer.digest() + " uncompressed (diff_id)",
          diffId,
          -1,
          actual.toString(),
          -1);
    }
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new ImageException(e.getCause().toString(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException("interrupted while pulling", e);
    }
  }

  private static void count(Progress progress, long[] fetched, long n) {
    progress.transferred(n);
    synchronized (fetched) {
      fetched[0] += n;
    }
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
