package dev.mrt.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.host.LockFile;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.store.PreparedDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGcTest {
  @TempDir Path cache;

  /** Stores an image manifest pointing at one config and one layer; returns its digest. */
  private Digest image(ImageStore store, String name, int bundleBytes) throws Exception {
    Digest config = put(store, "config-" + name);
    Digest layer = put(store, "layer-" + name);
    Digest manifest = put(store, "{\"schemaVersion\":2,\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":\"" + config
        + "\",\"size\":1},\"layers\":[{\"digest\":\"" + layer + "\",\"size\":1}]}");
    Path bundle = Files.createDirectories(store.bundle(manifest).resolve("rootfs"));
    Files.write(bundle.resolve("data"), new byte[bundleBytes]);
    store.record(name, manifest, bundleBytes);
    return manifest;
  }

  private static Digest put(ImageStore store, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.of(MessageDigest.getInstance("SHA-256").digest(b));
    store.putBlob(d, b);
    return d;
  }

  /**
   * Stores two images, forgets one, puts {@code strays} among the blobs and collects; checks that
   * exactly the forgotten image's three blobs and bundle went.
   *
   * @return the blobs directory
   */
  private Path collectOneForgotten(String... strays) throws Exception {
    ImageStore store = new ImageStore(cache);
    Digest kept = image(store, "kept", 10);
    Digest gone = image(store, "gone", 10);
    store.remove("gone");
    Path blobs = store.blob(kept).getParent();
    for (String stray : strays) {
      Files.writeString(blobs.resolve(stray), "not a blob");
    }
    ImageGc.Report r = new ImageGc(store, new BundleUse()).collect(OptionalLong.empty());
    assertEquals(3, r.blobs());
    assertEquals(1, r.bundles());
    assertTrue(Files.exists(store.blob(kept)));
    assertFalse(Files.exists(store.blob(gone)));
    assertTrue(Files.isDirectory(store.bundle(kept)));
    return blobs;
  }

  @Test
  void testCollect_removesOnlyWhatNoNameReaches() throws Exception {
    collectOneForgotten();
  }

  @Test
  void testCollect_skipsStrayFilesAmongBlobsAndGoesOn() throws Exception {
    // Upper-case hex is 64 digits yet no digest: it must not be parsed as one either.
    String upperCase = "A".repeat(64);
    Path blobs = collectOneForgotten("README", upperCase);
    assertTrue(Files.exists(blobs.resolve("README")));
    assertTrue(Files.exists(blobs.resolve(upperCase)));
  }

  @Test
  void testCollect_budgetEvictsLeastRecentlyUsedBundlesNotInUse() throws Exception {
    ImageStore store = new ImageStore(cache);
    Digest old = image(store, "old", 100_000);
    Thread.sleep(5);
    Digest used = image(store, "used", 100_000);
    Thread.sleep(5);
    Digest recent = image(store, "recent", 100_000);
    BundleUse use = new BundleUse();
    use.use(store.bundle(used)); // oldest but one, yet in use: must survive
    ImageGc.Report r = new ImageGc(store, use).collect(OptionalLong.of(150_000));
    assertFalse(Files.exists(store.bundle(old)));
    assertTrue(Files.exists(store.bundle(used)));
    assertFalse(Files.exists(store.bundle(recent)), "still over budget after the oldest");
    assertEquals(2, r.bundles());
    assertEquals(3, store.entries().size(), "names and blobs stay; bundles are re-made on use");
  }

  @Test
  void testCollect_leavesNoLockFilesOfWhatItRemoved() throws Exception {
    ImageStore store = new ImageStore(cache);
    Digest kept = image(store, "kept", 10);
    Digest gone = image(store, "gone", 10);
    Path bundles = store.bundle(gone).getParent();
    for (Digest d : new Digest[] {kept, gone}) {
      // As a pull and a finished mrt process leave them.
      LockFile.acquire(PreparedDirectory.lockFile(store.bundle(d)), false).close();
      LockFile.acquire(bundles.resolve("sha256-" + d.hex() + ".inuse"), true).close();
    }
    Files.createFile(bundles.resolve("sha256-" + "0".repeat(64) + ".lock")); // an aborted pull
    store.remove("gone");
    BundleUse running = new BundleUse();
    ImageGc.Report r = new ImageGc(store, running).collect(OptionalLong.empty());
    assertEquals(1, r.bundles());
    String k = "sha256-" + kept.hex();
    assertEquals(List.of(k, k + ".inuse", k + ".lock"), listing(bundles));
  }

  @Test
  void testCollect_keepsTheLockFilesOfBundlesInUse() throws Exception {
    ImageStore store = new ImageStore(cache);
    Digest gone = image(store, "gone", 10);
    store.remove("gone");
    BundleUse use = new BundleUse();
    use.use(store.bundle(gone));
    ImageGc.Report r = new ImageGc(store, use).collect(OptionalLong.empty());
    assertEquals(0, r.bundles());
    String g = "sha256-" + gone.hex();
    assertEquals(List.of(g, g + ".inuse"), listing(store.bundle(gone).getParent()));
  }

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
