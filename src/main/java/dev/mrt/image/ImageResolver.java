package dev.mrt.image;

import dev.mrt.ByteSize;
import dev.mrt.IoErrors;
import dev.mrt.config.MrtConfig;
import dev.mrt.config.MrtPaths;
import dev.mrt.host.HostIds;
import dev.mrt.image.registry.BlobSource;
import dev.mrt.image.registry.OciLayout;
import dev.mrt.image.registry.RegistryClient;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.TarExtractor;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Turns what a user names as an image into a prepared root filesystem: {@code default} is the
 * embedded one; a path is a root filesystem tarball ({@code .tar}, {@code .tar.gz}, {@code
 * .tar.zst}), unpacked once into the cache under its sha256 and shared from then on; a registry
 * reference is pulled on first use ({@link ImagePuller}) and run from the cache afterwards.
 *
 * <p>Jobs of one process that need the same reference share one pull (a map of futures); other
 * processes wait on the prepared rootfs's file lock. A pull blocks only the jobs that need its
 * image.
 */
@ApplicationScoped
public class ImageResolver {
  public static final String DEFAULT = "default";

  private final DefaultRootfs defaultRootfs;
  private final Path cacheDir;
  private final TarExtractor extractor;

  /** A daemon resolves per job: remember what was prepared (tarballs by path, size, mtime). */
  private final Map<String, PreparedImage> prepared = new ConcurrentHashMap<>();

  private final List<ImageCacheListener> listeners = new CopyOnWriteArrayList<>();

  private final List<ImagePullListener> pullListeners = new CopyOnWriteArrayList<>();
  private final MrtConfig.Images settings;
  private final boolean hostRunc;
  private final Map<String, CompletableFuture<PreparedImage>> inflight = new ConcurrentHashMap<>();
  private final ImagePuller puller;
  private volatile RegistryClient registry;
  private final RootfsUse rootfsUse = new RootfsUse();

  public ImageResolver(
      DefaultRootfs defaultRootfs, MrtConfig.Images settings, MrtPaths paths, HostIds ids) {
    this.defaultRootfs = defaultRootfs;
    this.cacheDir = paths.cacheDir();
    this.settings = settings;
    this.hostRunc = paths.runc().isPresent();
    this.extractor =
        new TarExtractor(
            TarExtractor.Options.forHost(ids)
                .withCaps(
                    ByteSize.parseAtLeast1M(
                        settings.maxUnpackedSize(), "mrt.images.max-unpacked-size"),
                    settings.maxEntries()));
    this.puller = new ImagePuller(store(), extractor);
  }

  public void addListener(ImageCacheListener listener) {
    listeners.add(listener);
  }

  public void addPullListener(ImagePullListener listener) {
    pullListeners.add(listener);
  }

  /**
   * Pulls {@code ref} from its registry now, even when cached (for {@code mrt pull} and prefetch):
   * a moved tag is followed.
   */
  public ImagePuller.Result pull(
      ImageReference ref, Platform platform, ImagePuller.Progress progress) {
    return pull(registryClient().source(ref), platform, progress);
  }

  private ImagePuller.Result pull(
      BlobSource source, Platform platform, ImagePuller.Progress progress) {
    ImagePuller.Result r = puller.pull(source, platform, progress);
    rootfsUse.use(r.image().rootfs().getParent());
    pullListeners.forEach(l -> l.pulled(source.name(), r.bytesFetched()));
    return r;
  }

  /**
   * The platform images are pulled for unless one is named: this CPU's, which with {@code mrt.runc}
   * set may be one mrt ships no runc for.
   */
  public Platform hostPlatform() {
    return Platform.host(hostRunc);
  }

  /** The image cache, for {@code mrt images}, {@code rmi} and {@code gc}. */
  public ImageStore store() {
    return new ImageStore(cacheDir);
  }

  /** Removes unused images from the cache; see {@link ImageGc}. */
  public ImageGc.Report gc() {
    OptionalLong budget =
        settings
            .cacheBudget()
            .map(b -> OptionalLong.of(ByteSize.parse(b, "mrt.images.cache-budget").bytes()))
            .orElse(OptionalLong.empty());
    return new ImageGc(store(), rootfsUse).collect(budget);
  }

  /**
   * A registry image or OCI layout: from the cache when its name was pulled before, else pulled
   * now, once per process however many jobs ask at the same time.
   */
  private PreparedImage pulledOnce(BlobSource source) {
    String name = source.name();
    Optional<PreparedImage> cached = cachedPull(name);
    if (cached.isPresent()) {
      return cached.get();
    }
    CompletableFuture<PreparedImage> mine = new CompletableFuture<>();
    CompletableFuture<PreparedImage> running = inflight.putIfAbsent(name, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      ImagePuller.Result r = pull(source, hostPlatform(), ImagePuller.Progress.NONE);
      listeners.forEach(l -> l.miss(name, r.bytesFetched()));
      mine.complete(r.image());
      return r.image();
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(name, mine);
    }
  }

  /**
   * A name pulled before whose prepared rootfs is still here, counted as a cache hit and in use.
   */
  private Optional<PreparedImage> cachedPull(String name) {
    Optional<PreparedImage> cached = puller.cached(name);
    cached.ifPresent(
        c -> {
          rootfsUse.use(c.rootfs().getParent());
          listeners.forEach(l -> l.hit(name));
        });
    return cached;
  }

  /** The client is made on first use: reading login files is for processes that pull. */
  private RegistryClient registryClient() {
    RegistryClient c = registry;
    if (c == null) {
      synchronized (this) {
        if (registry == null) {
          registry = new RegistryClient(RegistryClient.Settings.of(settings));
        }
        c = registry;
      }
    }
    return c;
  }

  /**
   * The image when it is prepared already, so using it now neither pulls nor unpacks; empty when
   * {@link #resolve} would have to. For callers that hold a scarce resource (a pool slot) and
   * should give it back before a long wait.
   *
   * @throws ImageException with one line saying what is wrong with the image and what to do
   */
  public Optional<PreparedImage> ready(String image) {
    return preparation(image).ready().get();
  }

  /**
   * @throws ImageException with one line saying what is wrong with the image and what to do
   */
  public PreparedImage resolve(String image) {
    return preparation(image).resolve().get();
  }

  /** How one image is prepared: a look at whether it is ready, and the work to make it so. */
  private record Preparation(
      Supplier<Optional<PreparedImage>> ready, Supplier<PreparedImage> resolve) {}

  /** The one place that tells the kinds of image apart. */
  private Preparation preparation(String image) {
    return ImageSource.parse(image)
        .accept(
            new ImageSource.Kinds<>() {
              @Override
              public Preparation embedded(ImageSource.Default source) {
                return new Preparation(
                    () -> Optional.of(defaultImage()), ImageResolver.this::defaultImage);
              }

              @Override
              public Preparation tarball(ImageSource.Tarball source) {
                Path file = tarballFile(source);
                return new Preparation(
                    () -> knownTarball(image, file), () -> unpacked(image, file));
              }

              @Override
              public Preparation registry(ImageSource.Registry source) {
                return pulled(registryClient().source(source.reference()));
              }

              @Override
              public Preparation ociLayout(ImageSource.OciLayout source) {
                return pulled(OciLayout.open(source.directory(), source.tag()));
              }

              private Preparation pulled(BlobSource source) {
                return new Preparation(() -> cachedPull(source.name()), () -> pulledOnce(source));
              }
            });
  }

  private PreparedImage defaultImage() {
    PreparedImage known = prepared.get(DEFAULT);
    if (known != null) {
      listeners.forEach(l -> l.hit(DEFAULT));
      return known;
    }
    // The embedded rootfs is unpacked by the asset cache; count it as one miss per process.
    PreparedImage made =
        new PreparedImage(
            DEFAULT, defaultRootfs.defaultRootfsDigest(), defaultRootfs.defaultRootfs());
    prepared.put(DEFAULT, made);
    listeners.forEach(l -> l.miss(DEFAULT, 0));
    return made;
  }

  /** A tarball unpacked into the cache under its sha256, unless this process did so before. */
  private PreparedImage unpacked(String image, Path file) {
    Optional<PreparedImage> known = knownTarball(image, file);
    if (known.isPresent()) {
      return known.get();
    }
    String key = tarballKey(file);
    Digest digest = sha256(file);
    long[] unpacked = {-1};
    Path dir =
        PreparedDirectory.ensure(
            cacheDir,
            store().layout().tarballName(digest),
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
      listeners.forEach(l -> l.miss(image, unpacked[0]));
    } else {
      listeners.forEach(l -> l.hit(image));
    }
    PreparedImage result = new PreparedImage(image, digest.toString(), dir.resolve("rootfs"));
    prepared.put(key, result);
    return result;
  }

  private static Path tarballFile(ImageSource.Tarball source) {
    Path file = source.file().toAbsolutePath().normalize();
    if (!Files.exists(file)) {
      throw new ImageException(
          "image file "
              + file
              + " does not exist; give 'default' or a root"
              + " filesystem tarball (.tar, .tar.gz, .tar.zst)");
    }
    if (!Files.isRegularFile(file)) {
      throw new ImageException(
          "image "
              + file
              + " is not a file; give 'default' or a root"
              + " filesystem tarball (.tar, .tar.gz, .tar.zst)");
    }
    return file;
  }

  /** A tarball unpacked before by this process, if it has not changed since. */
  private Optional<PreparedImage> knownTarball(String image, Path file) {
    PreparedImage known = prepared.get(tarballKey(file));
    if (known != null && Files.isDirectory(known.rootfs())) {
      listeners.forEach(l -> l.hit(image));
      return Optional.of(known);
    }
    return Optional.empty();
  }

  private static String tarballKey(Path file) {
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
