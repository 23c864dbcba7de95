package dev.mrt.image.registry;

import dev.mrt.DaemonThreads;
import dev.mrt.config.MrtConfig;
import dev.mrt.image.ImageReference;
import dev.mrt.image.Platform;
import dev.mrt.image.registry.RegistryException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Pulls images from OCI distribution registries: resolves a reference (through an index, for the
 * wanted platform) to one manifest, and fetches blobs verified by digest and size. Thread-safe; one
 * instance keeps tokens and connections for all pulls of a process.
 */
public final class RegistryClient implements AutoCloseable {

  /**
   * @param insecureRegistries registries (as references name them) reached over plain HTTP
   * @param parallelism how many blobs of one image are fetched at once
   * @param attempts tries per request before a network failure is reported
   */
  public record Settings(
      RegistryCredentials credentials,
      Set<String> insecureRegistries,
      int parallelism,
      Duration timeout,
      int attempts,
      Duration firstRetryPause) {
    public Settings {
      insecureRegistries = Set.copyOf(insecureRegistries);
      if (parallelism < 1 || attempts < 1) {
        throw new IllegalArgumentException("parallelism and attempts must be at least 1");
      }
    }

    /**
     * As {@code mrt.images.*} configures them, with the logins of its auth-file and then of the
     * files docker and podman write ({@link RegistryCredentials#defaultFiles}).
     */
    public static Settings of(MrtConfig.Images images) {
      List<Path> authFiles = new ArrayList<>();
      images.authFile().ifPresent(authFiles::add);
      authFiles.addAll(
          RegistryCredentials.defaultFiles(
              System.getenv(), Path.of(System.getProperty("user.home"))));
      return new Settings(
          RegistryCredentials.load(authFiles, System.getenv()),
          Set.copyOf(images.insecureRegistries().orElse(List.of())),
          images.parallelism(),
          images.timeout(),
          images.attempts(),
          Duration.ofMillis(200));
    }
  }

  private final Settings settings;
  private final HttpClient http;
  private final ManifestPuller manifests;
  private final BlobPuller blobs;

  public RegistryClient(Settings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .sslContext(LazyTrust.context())
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL) // blobs are often served from a CDN
            .build();
    RegistryTransport transport =
        new RegistryTransport(
            http, settings.credentials(), settings.insecureRegistries(), settings.timeout());
    Retry retry = new Retry(settings.attempts(), settings.firstRetryPause());
    this.manifests = new ManifestPuller(transport, retry);
    this.blobs = new BlobPuller(transport, retry);
  }

  /**
   * Resolves {@code ref} to the image manifest for {@code platform}: an index or manifest list is
   * followed to its entry for the platform.
   *
   * @throws RegistryException naming the reference
   */
  public PulledManifest manifest(ImageReference ref, Platform platform) {
    ManifestPuller.Fetched top = manifests.pull(ref, ref.manifestReference(), Optional.empty());
    return ManifestReader.resolve(
        ref.toString(),
        platform,
        top,
        d -> manifests.pull(ref, d.digest().toString(), Optional.of(d)));
  }

  /**
   * One image of a registry as a {@link BlobSource}. The cache names it by tag when it has one (a
   * moved tag then points at the new digest), else by digest.
   */
  public BlobSource source(ImageReference ref) {
    String name =
        ref.tag().isPresent()
            ? new ImageReference(ref.registry(), ref.repository(), ref.tag(), Optional.empty())
                .toString()
            : ref.toString();
    return new BlobSource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public PulledManifest manifest(Platform platform) {
        return RegistryClient.this.manifest(ref, platform);
      }

      @Override
      public void fetchBlob(
          Descriptor blob, Path target, LongConsumer progress, OutputStream copy) {
        RegistryClient.this.fetchBlob(ref, blob, target, progress, copy);
      }

      @Override
      public void fetchBlobs(
          List<Descriptor> blobs, Function<Descriptor, Path> target, LongConsumer progress) {
        RegistryClient.this.fetchBlobs(ref, blobs, target, progress);
      }
    };
  }

  /** Fetches one blob into {@code target}, verified; see {@link BlobPuller}. */
  public void fetchBlob(ImageReference ref, Descriptor blob, Path target, LongConsumer progress) {
    blobs.pull(ref, blob, target, progress);
  }

  /**
   * Fetches one blob into {@code target} and, as it arrives, into {@code copy}, which is closed at
   * the end whatever happens (its reader then sees the end of the stream). Bytes reach {@code copy}
   * before the digest is known: its reader must treat them as unverified until this returns.
   *
   * @throws CopyFailedException when writing to {@code copy} failed (its reader stopped)
   */
  public void fetchBlob(
      ImageReference ref, Descriptor blob, Path target, LongConsumer progress, OutputStream copy) {
    try (copy) {
      blobs.pull(ref, blob, target, progress, Optional.of(copy));
    } catch (BlobPuller.CopyFailed e) {
      throw new CopyFailedException(ref.toString(), e.getCause());
    } catch (IOException e) {
      // Closing the copy failed: its reader is gone, which its own error reports.
    }
  }

  /** The reader of a blob's copy stopped; the reason is the reader's to report. */
  public static final class CopyFailedException extends RegistryException {
    CopyFailedException(String reference, Throwable cause) {
      super(reference, Reason.PROTOCOL, "the blob's reader stopped", cause);
    }
  }

  /**
   * Fetches blobs at most {@link Settings#parallelism()} at a time; the first failure is thrown
   * once the others have stopped.
   */
  public void fetchBlobs(
      ImageReference ref,
      List<Descriptor> wanted,
      Function<Descriptor, Path> target,
      LongConsumer progress) {
    if (wanted.size() <= 1) {
      wanted.forEach(d -> fetchBlob(ref, d, target.apply(d), progress));
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(settings.parallelism(), wanted.size()), DaemonThreads.factory("mrt-pull"));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Descriptor d : wanted) {
        futures.add(pool.submit(() -> fetchBlob(ref, d, target.apply(d), progress)));
      }
      RuntimeException first = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first =
                e.getCause() instanceof RuntimeException r
                    ? r
                    : new RegistryException(
                        ref.toString(), Reason.PROTOCOL, e.getCause().toString(), e.getCause());
            futures.forEach(other -> other.cancel(true));
          }
        } catch (CancellationException e) {
          // Cancelled after the first failure, which is what gets reported.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RegistryException(ref.toString(), Reason.UNREACHABLE, "interrupted", e);
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Ends the client's selector thread (JDK 21 and newer; on 17 the JDK ends it once the client is
   * unreachable). A JVM exits only after waiting up to 0.3 s for threads in native code, and that
   * thread sits in epoll: measured 0.31 s of each {@code mrt pull} before this.
   */
  @Override
  public void close() {
    if (http instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Nothing is in flight when this is called; a failure to stop leaves only a thread.
      }
    }
  }
}
