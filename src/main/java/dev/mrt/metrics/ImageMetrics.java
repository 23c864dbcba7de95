package dev.mrt.metrics;

import dev.mrt.image.ImageCacheListener;
import dev.mrt.image.ImagePullListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The image cache and pulls: jobs whose rootfs was prepared already or had to be, the bytes this
 * process unpacked, and what pulls transferred. Every series is registered at zero when made.
 */
public final class ImageMetrics implements ImageCacheListener, ImagePullListener {
  private static final String DEPRECATED = "mrt.bundle.";

  private final Counter hits;
  private final Counter misses;
  private final AtomicLong cacheBytes = new AtomicLong();
  private final Counter pulls;
  private final Counter pullBytes;

  ImageMetrics(MeterRegistry registry) {
    Gauge.builder("mrt.rootfs.cache", cacheBytes, AtomicLong::doubleValue)
        .baseUnit("bytes")
        .description("Bytes this process unpacked into the image cache")
        .register(registry);
    hits =
        Counter.builder("mrt.rootfs.cache.hits")
            .description("Jobs whose image was already prepared")
            .register(registry);
    misses =
        Counter.builder("mrt.rootfs.cache.misses")
            .description("Jobs whose image had to be unpacked first")
            .register(registry);
    deprecatedBundleNames(registry);
    pulls =
        Counter.builder("mrt.image.pulls")
            .description("Image pulls from registries and OCI layouts")
            .register(registry);
    pullBytes =
        Counter.builder("mrt.image.pull.bytes")
            .baseUnit("bytes")
            .description("Bytes transferred by image pulls")
            .register(registry);
  }

  /**
   * The names these series had before the cache's unpacked image was called a prepared rootfs: the
   * same values under {@code mrt_bundle_cache_*}, kept so dashboards do not break, and to go in a
   * later release.
   */
  private void deprecatedBundleNames(MeterRegistry registry) {
    Gauge.builder(DEPRECATED + "cache", cacheBytes, AtomicLong::doubleValue)
        .baseUnit("bytes")
        .description("Deprecated: mrt_rootfs_cache_bytes")
        .register(registry);
    FunctionCounter.builder(DEPRECATED + "cache.hits", hits, Counter::count)
        .description("Deprecated: mrt_rootfs_cache_hits_total")
        .register(registry);
    FunctionCounter.builder(DEPRECATED + "cache.misses", misses, Counter::count)
        .description("Deprecated: mrt_rootfs_cache_misses_total")
        .register(registry);
  }

  @Override
  public void hit(String image) {
    hits.increment();
  }

  @Override
  public void miss(String image, long bytes) {
    misses.increment();
    cacheBytes.addAndGet(bytes);
  }

  @Override
  public void pulled(String reference, long bytes) {
    pulls.increment();
    pullBytes.increment(bytes);
  }
}
