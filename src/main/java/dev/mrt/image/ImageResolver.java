package dev.mrt.image;

import dev.mrt.ByteSize;
import dev.mrt.config.MrtConfig;
import dev.mrt.config.MrtPaths;
import dev.mrt.host.HostIds;
import dev.mrt.image.registry.BlobSource;
import dev.mrt.image.registry.OciLayout;
import dev.mrt.image.registry.RegistryClient;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.tar.TarExtractor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
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
 * Tarballs are {@link TarballImages}' to prepare; this tells the kinds apart and counts hits.
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

  /** A daemon resolves per job: the embedded rootfs is looked up once. */
  private volatile PreparedImage defaultImage;

  private final List<ImageCacheListener> listeners = new CopyOnWriteArrayList<>();

  /** Every hit and miss, told to all listeners added so far. */
  private final ImageCacheListener cacheEvents =
      new ImageCacheListener() {
        @Override
        public void hit(String image) {
          listeners.forEach(l -> l.hit(image));
        }

        @Override
        public void miss(String image, long bytes) {
          listeners.forEach(l -> l.miss(image, bytes));
        }
      };

  private final List<ImagePullListener> pullListeners = new CopyOnWriteArrayList<>();
  private final MrtConfig.Images settings;
  private final boolean hostRunc;
  private final Map<String, CompletableFuture<PreparedImage>> inflight = new ConcurrentHashMap<>();
  private final ImagePuller puller;
  private final TarballImages tarballs;
  private volatile RegistryClient registry;
  private final RootfsUse rootfsUse = new RootfsUse();

  public ImageResolver(
      DefaultRootfs defaultRootfs, MrtConfig.Images settings, MrtPaths paths, HostIds ids) {
    this.defaultRootfs = defaultRootfs;
    this.cacheDir = paths.cacheDir();
    this.settings = settings;
    this.hostRunc = paths.runc().isPresent();
    TarExtractor extractor =
        new TarExtractor(
            TarExtractor.Options.forHost(ids)
                .withCaps(
                    ByteSize.parseAtLeast1M(
                        settings.maxUnpackedSize(), "mrt.images.max-unpacked-size"),
                    settings.maxEntries()));
    this.puller = new ImagePuller(store(), extractor);
    this.tarballs = new TarballImages(cacheDir, extractor, cacheEvents);
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
      cacheEvents.miss(name, r.bytesFetched());
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
          cacheEvents.hit(name);
        });
    return cached;
  }

  /** Closes the registry client, if one was made; pulls after this fail. */
  @PreDestroy
  public synchronized void close() {
    if (registry != null) {
      registry.close();
    }
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
                Path file = TarballImages.file(source);
                return new Preparation(
                    () -> tarballs.known(image, file), () -> tarballs.unpacked(image, file));
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
    PreparedImage known = defaultImage;
    if (known != null) {
      cacheEvents.hit(DEFAULT);
      return known;
    }
    // The embedded rootfs is unpacked by the asset cache; count it as one miss per process.
    PreparedImage made =
        new PreparedImage(
            DEFAULT, defaultRootfs.defaultRootfsDigest(), defaultRootfs.defaultRootfs());
    defaultImage = made;
    cacheEvents.miss(DEFAULT, 0);
    return made;
  }
}
