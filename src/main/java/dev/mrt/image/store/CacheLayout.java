package dev.mrt.image.store;

import dev.mrt.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where everything lives in the image cache: the one place that spells its names, so the store that
 * writes them and gc that removes them cannot disagree (jib-core's CacheStorageFiles plays this
 * part). Asking it touches no file except to list a directory.
 *
 * <pre>
 * images.json                         references to manifest digests ({@link ImageStore})
 * images.json.lock, .images.json.tmp  its lock, and the file a rewrite goes through
 * blobs/sha256/HEX                    manifests, configs and layers, by digest
 * blobs/sha256/.tmp-HEX-UUID          a blob being written, renamed once it is verified
 * bundles/sha256-HEX                  an image's prepared root filesystem (by manifest
 *                                     digest): rootfs/, config.json
 * rootfs/sha256-HEX                   a root filesystem tarball (by its digest) unpacked
 * </pre>
 *
 * <p>Images' prepared root filesystems and unpacked tarballs are {@link PreparedDirectory}s, whose
 * lock files (and RootfsUse's in-use markers) stand beside them.
 */
public final class CacheLayout {
  private static final String TEMP_PREFIX = ".tmp-";
  private static final String ENTRY_PREFIX = Digest.ALGORITHM + "-";
  private static final String IMAGE_ROOTFS = "bundles";
  private static final String ROOTFS = "rootfs";

  /** A file in the blob directory, as gc must treat it. */
  public sealed interface BlobFile {
    Path path();
  }

  /** A complete blob, named by its digest. */
  public record Blob(Path path, Digest digest) implements BlobFile {}

  /** A blob being written, or left half-written by a crash. */
  public record Partial(Path path) implements BlobFile {}

  /** A file mrt did not write (its name is no digest): to be left alone. */
  public record Foreign(Path path) implements BlobFile {}

  private final Path root;

  public CacheLayout(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** The index of names, {@code images.json}. */
  public Path index() {
    return root.resolve("images.json");
  }

  /** The lock every reader and writer of the index holds. */
  public Path indexLock() {
    return root.resolve("images.json.lock");
  }

  /** Where a new index is written before it replaces the old one. */
  public Path indexTemp() {
    return root.resolve(".images.json.tmp");
  }

  public Path blobs() {
    return root.resolve("blobs").resolve(Digest.ALGORITHM);
  }

  /** Where blob {@code d} is once complete. */
  public Path blob(Digest d) {
    return blobs().resolve(d.hex());
  }

  /** A fresh name, beside the blobs, to write {@code d} under until it is verified. */
  public Path newTempBlob(Digest d) {
    return blobs().resolve(TEMP_PREFIX + d.hex() + "-" + UUID.randomUUID());
  }

  /** Whether {@code file} is a name {@link #newTempBlob} gave. */
  public static boolean isTempBlob(Path file) {
    return file.getFileName().toString().startsWith(TEMP_PREFIX);
  }

  /**
   * Every file in the blob directory but hidden ones that are not temp blobs (nobody's business);
   * empty when there is no blob directory yet.
   */
  public List<BlobFile> blobFiles() throws IOException {
    return list(blobs()).stream()
        .<BlobFile>mapMulti(
            (file, out) -> {
              String name = file.getFileName().toString();
              if (isTempBlob(file)) {
                out.accept(new Partial(file));
              } else if (Digest.isHex(name)) {
                out.accept(new Blob(file, new Digest(name)));
              } else if (!name.startsWith(".")) {
                out.accept(new Foreign(file));
              }
            })
        .toList();
  }

  /** The directory images' prepared root filesystems stand in, with their lock files. */
  public Path imageRootfsDir() {
    return root.resolve(IMAGE_ROOTFS);
  }

  /** The prepared root filesystem of the image whose manifest is {@code manifest}. */
  public Path imageRootfs(Digest manifest) {
    return root.resolve(imageRootfsName(manifest));
  }

  /** {@link #imageRootfs} relative to the root, as {@link PreparedDirectory#ensure} takes it. */
  public String imageRootfsName(Digest manifest) {
    return IMAGE_ROOTFS + "/" + ENTRY_PREFIX + manifest.hex();
  }

  /** The prepared root filesystems there are, complete or not; not their lock files. */
  public List<Path> imageRootfsEntries() throws IOException {
    return list(imageRootfsDir()).stream()
        .filter(Files::isDirectory)
        .filter(p -> p.getFileName().toString().startsWith(ENTRY_PREFIX))
        .toList();
  }

  /** Everything in {@link #imageRootfsDir}: the entries, their temp directories and lock files. */
  public List<Path> imageRootfsFiles() throws IOException {
    return list(imageRootfsDir());
  }

  /** A root filesystem tarball whose sha256 is {@code d}, relative to the root. */
  public String tarballName(Digest d) {
    return ROOTFS + "/" + ENTRY_PREFIX + d.hex();
  }

  /** What {@code dir} holds, or nothing when it does not exist. */
  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
