package dev.mrt.image.registry;

import dev.mrt.image.Platform;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Where one image's manifest and blobs come from: a registry ({@link RegistryClient#source}) or an
 * OCI image layout directory ({@link OciLayout}). Every blob is verified by digest and size on its
 * way to {@code target}, whatever the source.
 */
public interface BlobSource {
  /** How the cache and error messages name this image. */
  String name();

  /** The single-platform manifest, following an index for {@code platform}. */
  PulledManifest manifest(Platform platform);

  /**
   * Copies one blob to {@code target} and every byte also to {@code copy}, which is closed at the
   * end whatever happens.
   *
   * @throws RegistryClient.CopyFailedException when writing to {@code copy} failed
   */
  void fetchBlob(Descriptor blob, Path target, LongConsumer progress, OutputStream copy);

  /** Copies blobs, possibly in parallel; the first failure is thrown. */
  void fetchBlobs(List<Descriptor> blobs, Function<Descriptor, Path> target, LongConsumer progress);
}
