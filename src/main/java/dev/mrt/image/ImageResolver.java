package dev.mrt.image;

import dev.mrt.IoErrors;
import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.config.MrtConfig;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.TarExtractor;
import dev.mrt.runtime.HostIds;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what a user names as an image into a prepared root filesystem: {@code default} is the
 * embedded one; a path is a root filesystem tarball ({@code .tar}, {@code .tar.gz}, {@code
 * .tar.zst}), unpacked once into the cache under its sha256 and shared from then on.
 */
@ApplicationScoped
public class ImageResolver {
  public static final String DEFAULT = "default";

  private final EmbeddedAssets assets;
  private final Path cacheDir;
  private final TarExtractor extractor = new TarExtractor(
      TarExtractor.Options.forHost(HostIds.current()));
  /** A daemon resolves per job: remember what was prepared (tarballs by path, size, mtime). */
  private final Map<String, PreparedImage> prepared = new ConcurrentHashMap<>();
  private final java.util.List<ImageCacheListener> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public ImageResolver(EmbeddedAssets assets, MrtConfig config) {
    this.assets = assets;
    this.cacheDir = config.cacheDir();
  }

  public void addListener(ImageCacheListener listener) {
    listeners.add(listener);
  }

  /**
   * @throws ImageException with one line saying what is wrong with the image and what to do
   */
  public PreparedImage resolve(String image) {
    if (DEFAULT.equals(image)) {
      PreparedImage known = prepared.get(DEFAULT);
      if (known != null) {
        listeners.forEach(l -> l.hit(image));
        return known;
      }
      // The embedded rootfs is unpacked by the asset cache; count it as one miss per process.
      PreparedImage made =
          new PreparedImage(DEFAULT, assets.defaultRootfsDigest(), assets.defaultRootfs());
      prepared.put(DEFAULT, made);
      listeners.forEach(l -> l.miss(image, 0));
      return made;
    }
    Path file = Path.of(image).toAbsolutePath().normalize();
    if (!Files.exists(file)) {
      throw new ImageException("image file " + file + " does not exist; give 'default' or a root"
          + " filesystem tarball (.tar, .tar.gz, .tar.zst)");
    }
    if (!Files.isRegularFile(file)) {
      throw new ImageException("image " + file + " is not a file; give 'default' or a root"
          + " filesystem tarball (.tar, .tar.gz, .tar.zst)");
    }
    String key;
    try {
      key = file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    PreparedImage known = prepared.get(key);
    if (known != null && Files.isDirectory(known.rootfs())) {
      listeners.forEach(l -> l.hit(image));
      return known;
    }
    String hex = sha256(file);
    long[] unpacked = {-1};
    Path dir = PreparedDirectory.ensure(cacheDir, "rootfs/sha256-" + hex, "sha256:" + hex,
        temp -> unpacked[0] = extractor.extract(file, temp.resolve("rootfs")).bytes());
    if (unpacked[0] >= 0) {
      listeners.forEach(l -> l.miss(image, unpacked[0]));
    } else {
      listeners.forEach(l -> l.hit(image));
    }
    PreparedImage result = new PreparedImage(image, "sha256:" + hex, dir.resolve("rootfs"));
    prepared.put(key, result);
    return result;
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[256 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw unreadable(file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ImageException unreadable(Path file, IOException e) {
    return new ImageException("cannot read image file " + file + " (" + IoErrors.describe(e)
        + "); make it readable by this user");
  }
}
