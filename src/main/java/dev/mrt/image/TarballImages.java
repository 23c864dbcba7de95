package dev.mrt.image;

import dev.mrt.IoErrors;
import dev.mrt.image.store.CacheLayout;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.TarExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Root filesystem tarballs named by path: each is unpacked once into the cache under its sha256 and
 * shared from then on. A daemon resolves per job, so what this process prepared is remembered by
 * path, size and mtime and not hashed again while the file stays the same.
 */
final class TarballImages {
  private final Path cacheDir;
  private final CacheLayout layout;
  private final TarExtractor extractor;
  private final ImageCacheListener listener;
  private final Map<String, PreparedImage> prepared = new ConcurrentHashMap<>();

  TarballImages(Path cacheDir, TarExtractor extractor, ImageCacheListener listener) {
    this.cacheDir = cacheDir;
    this.layout = new CacheLayout(cacheDir);
    this.extractor = extractor;
    this.listener = listener;
  }

  /** The tarball a source names, made absolute; fails when it is missing or not a file. */
  static Path file(ImageSource.Tarball source) {
    Path file = source.file().toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new ImageException(
          (Files.exists(file)
                  ? "image " + file + " is not a file"
                  : "image file " + file + " does not exist")
              + "; give 'default' or a root filesystem tarball (.tar, .tar.gz, .tar.zst)");
    }
    return file;
  }

  /** A tarball unpacked before by this process, if it has not changed since. */
  Optional<PreparedImage> known(String image, Path file) {
    PreparedImage known = prepared.get(key(file));
    if (known != null && Files.isDirectory(known.rootfs())) {
      listener.hit(image);
      return Optional.of(known);
    }
    return Optional.empty();
  }

  /** A tarball unpacked into the cache under its sha256, unless this process did so before. */
  PreparedImage unpacked(String image, Path file) {
    Optional<PreparedImage> known = known(image, file);
    if (known.isPresent()) {
      return known.get();
    }
    String key = key(file);
    Digest digest = sha256(file);
    long[] unpacked = {-1};
    Path dir =
        PreparedDirectory.ensure(
            cacheDir,
            layout.tarballName(digest),
            digest.toString(),
            temp -> {
              TarExtractor.Summary s = extractor.extract(file, temp.resolve("rootfs"));
              if (s.entries() == 0) {
                // A short text or empty file reads as a tar with no entries: never cache that.
                throw new ImageException(
                    "image file "
                        + file
                        + " is not a root filesystem tarball:"
                        + " it holds no files ("
                        + Files.size(file)
                        + " bytes); give a .tar, .tar.gz or"
                        + " .tar.zst of a root filesystem");
              }
              unpacked[0] = s.bytes();
            });
    if (unpacked[0] >= 0) {
      listener.miss(image, unpacked[0]);
    } else {
      listener.hit(image);
    }
    PreparedImage result = new PreparedImage(image, digest.toString(), dir.resolve("rootfs"));
    prepared.put(key, result);
    return result;
  }

  private static String key(Path file) {
    try {
      return file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static Digest sha256(Path file) {
    try {
      return Digest.sha256(file);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static ImageException unreadable(Path file, IOException e) {
    return new ImageException(
        "cannot read image file "
            + file
            + " ("
            + IoErrors.describe(e)
            + "); make it readable by this user");
  }
}
