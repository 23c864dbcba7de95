package dev.mrt.image;

import dev.mrt.DaemonThreads;
import dev.mrt.image.registry.BlobSource;
import dev.mrt.image.registry.Descriptor;
import dev.mrt.image.registry.DigestMismatchException;
import dev.mrt.image.registry.PulledManifest;
import dev.mrt.image.registry.RegistryClient;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.tar.Compression;
import dev.mrt.image.tar.TarExtractor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns an image's layers into its root filesystem while they download, checking each layer's
 * uncompressed sha256 (diff_id). {@link ImagePuller} decides what to pull and where it goes.
 */
final class LayerUnpacker {
  private static final int BUFFER = 256 * 1024;

  /** Between a layer's download and its unpacking: enough to ride out short stalls of either. */
  private static final int PIPE = 4 * 1024 * 1024;

  private final ImageStore store;
  private final TarExtractor extractor;

  LayerUnpacker(ImageStore store, TarExtractor extractor) {
    this.store = store;
    this.extractor = extractor;
  }

  /**
   * Applies the layers in order while they download: the first layer is unpacked as its bytes
   * arrive (through a pipe), the others download meanwhile and are unpacked from the store. Bytes
   * are unpacked before their blob's digest is known; that is safe because the extractor refuses
   * hostile entries whatever their origin, and everything goes into the prepared rootfs's temp
   * directory, which is deleted when a digest then fails.
   */
  void unpack(PulledManifest m, ImageConfig config, Path rootfs, PullTransfers transfers)
      throws IOException {
    BlobSource source = transfers.source();
    List<Descriptor> missing =
        m.layers().stream().filter(l -> !store.hasBlob(l.digest(), l.size())).distinct().toList();
    Descriptor first = m.layers().isEmpty() ? null : m.layers().get(0);
    boolean streamFirst = first != null && missing.contains(first);
    List<Descriptor> rest = missing.stream().filter(d -> !d.equals(first)).toList();
    ExecutorService background =
        Executors.newFixedThreadPool(2, DaemonThreads.factory("mrt-pull-layers"));
    try {
      Future<?> others = background.submit(() -> transfers.fetch(rest));
      TarExtractor.Layers layers = extractor.layers(rootfs);
      for (int i = 0; i < m.layers().size(); i++) {
        Descriptor layer = m.layers().get(i);
        if (i == 0 && streamFirst) {
          streamLayer(transfers, layer, config.diffIds().get(0), layers, background);
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
      PullTransfers transfers,
      Descriptor layer,
      Digest diffId,
      TarExtractor.Layers layers,
      ExecutorService background)
      throws IOException {
    BlobSource source = transfers.source();
    Path temp = store.tempBlob(layer.digest());
    PipedInputStream pipeIn = new PipedInputStream(PIPE);
    PipedOutputStream pipeOut = new PipedOutputStream(pipeIn);
    Future<?> download =
        background.submit(() -> source.fetchBlob(layer, temp, transfers.counter(), pipeOut));
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
      layers.apply(hashed, "layer " + layer.digest() + " of " + ref); // reads it to its end
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
}
