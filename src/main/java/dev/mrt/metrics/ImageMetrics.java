package dev.mrt.metrics;

import dev.mrt.image.ImageCacheListener;
import dev.mrt.image.ImagePullListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The image cache and pulls: jobs whose rootfs was prepared already or had to be, the bytes this
 * process unpacked, and what pulls transferred. Every series is registered at zero when made.
 */
public final class ImageMetrics implements ImageCacheListener, ImagePullListener {
  private final Counter hits;
  private final Counter misses;
  private final AtomicLong cacheBytes = new AtomicLong();
  private final Counter pulls;
  private final Counter pullBytes;

  ImageMetrics(MeterRegistry registry) {
    Gauge.builder("mrt.bundle.cache", cacheBytes, AtomicLong::doubleValue)
        .baseUnit("bytes")
        .description("Bytes this process unpacked into the image cache")
        .register(registry);
    hits =
        Counter.builder("mrt.bundle.cache.hits")
            .description("Jobs whose image was already prepared")
            .register(registry);
    misses =
        Counter.builder("mrt.bundle.cache.misses")
            .description("Jobs whose image had to be unpacked first")
            .register(registry);
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
