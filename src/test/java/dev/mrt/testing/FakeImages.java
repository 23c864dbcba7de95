package dev.mrt.testing;

import dev.mrt.assets.EmbeddedAssets;
import dev.mrt.config.MrtConfig;
import dev.mrt.config.MrtPaths;
import dev.mrt.host.HostIds;
import dev.mrt.image.ImageException;
import dev.mrt.image.ImageResolver;
import dev.mrt.image.PreparedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An image resolver that knows a few names and prepares nothing on disk: an image is either ready,
 * or "pulled" on resolve (then ready), or unknown (an {@link ImageException}).
 */
public final class FakeImages extends ImageResolver {
  private final Map<String, PreparedImage> ready = new ConcurrentHashMap<>();
  private final Map<String, PreparedImage> pullable = new ConcurrentHashMap<>();

  /** Every image name resolve had to prepare, in order. */
  public final List<String> pulls = new CopyOnWriteArrayList<>();

  private volatile Runnable duringPull = () -> {};

  /**
   * @param dir a directory of the test; nothing is written to it
   */
  public FakeImages(Path dir) {
    this(
        TestConfigs.imageCache(dir.resolve("cache")).images(),
        new MrtPaths(dir.resolve("cache"), dir.resolve("state"), Optional.empty()),
        HostIds.current());
  }

  private FakeImages(MrtConfig.Images images, MrtPaths paths, HostIds ids) {
    super(new EmbeddedAssets(paths, ids), images, paths, ids);
  }

  /** A prepared image of this name, rooted at {@code rootfs}. */
  public static PreparedImage image(String name, Path rootfs) {
    return new PreparedImage(name, "sha256:" + "0".repeat(64), rootfs);
  }

  /** Makes {@code name} ready at once. */
  public FakeImages withReady(String name, Path rootfs) {
    ready.put(name, image(name, rootfs));
    return this;
  }

  /** Makes {@code name} resolvable, but only through a pull. */
  public FakeImages withPullable(String name, Path rootfs) {
    pullable.put(name, image(name, rootfs));
    return this;
  }

  /** Runs {@code hook} inside every pull, for a test to look at what holds meanwhile. */
  public FakeImages duringPull(Runnable hook) {
    this.duringPull = hook;
    return this;
  }

  @Override
  public Optional<PreparedImage> ready(String image) {
    return Optional.ofNullable(ready.get(image));
  }

  @Override
  public PreparedImage resolve(String image) {
    PreparedImage here = ready.get(image);
    if (here != null) {
      return here;
    }
    PreparedImage pulled = pullable.get(image);
    if (pulled == null) {
      throw new ImageException("no image " + image + " in this test");
    }
    pulls.add(image);
    duringPull.run();
    ready.put(image, pulled);
    return pulled;
  }
}
