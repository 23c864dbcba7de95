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
  private Digest image(ImageStore store, String name, int rootfsBytes) throws Exception {
    Digest config = put(store, "config-" + name);
    Digest layer = put(store, "layer-" + name);
    Digest manifest =
        put(
            store,
            "{\"schemaVersion\":2,\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":\""
                + config
                + "\",\"size\":1},\"layers\":[{\"digest\":\""
                + layer
                + "\",\"size\":1}]}");
    Path rootfs = Files.createDirectories(store.imageRootfs(manifest).resolve("rootfs"));
    Files.write(rootfs.resolve("data"), new byte[rootfsBytes]);
    store.record(name, manifest, rootfsBytes);
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
   * exactly the forgotten image's three blobs and prepared root filesystem went.
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
    ImageGc.Report r = new ImageGc(store, new RootfsUse()).collect(OptionalLong.empty());
    assertEquals(3, r.blobs());
    assertEquals(1, r.unpacked());
    assertTrue(Files.exists(store.blob(kept)));
    assertFalse(Files.exists(store.blob(gone)));
    assertTrue(Files.isDirectory(store.imageRootfs(kept)));
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
  void testCollect_budgetEvictsLeastRecentlyUsedRootfsNotInUse() throws Exception {
    ImageStore store = new ImageStore(cache);
    Digest old = image(store, "old", 100_000);
    Thread.sleep(5);
    Digest used = image(store, "used", 100_000);
    Thread.sleep(5);
    Digest recent = image(store, "recent", 100_000);
    RootfsUse use = new RootfsUse();
    use.use(store.imageRootfs(used)); // oldest but one, yet in use: must survive
    ImageGc.Report r = new ImageGc(store, use).collect(OptionalLong.of(150_000));
    assertFalse(Files.exists(store.imageRootfs(old)));
    assertTrue(Files.exists(store.imageRootfs(used)));
    assertFalse(Files.exists(store.imageRootfs(recent)), "still over budget after the oldest");
    assertEquals(2, r.unpacked());
    assertEquals(3, store.entries().size(), "names and blobs stay; rootfs are re-made on use");
  }

  @Test
  void testCollect_leavesNoLockFilesOfWhatItRemoved() throws Exception {
    ImageStore store = new ImageStore(cache);
    Digest kept = image(store, "kept", 10);
    Digest gone = image(store, "gone", 10);
    Path dir = store.imageRootfs(gone).getParent();
    for (Digest d : new Digest[] {kept, gone}) {
      // As a pull and a finished mrt process leave them.
      LockFile.acquire(PreparedDirectory.lockFile(store.imageRootfs(d)), false).close();
      LockFile.acquire(dir.resolve("sha256-" + d.hex() + ".inuse"), true).close();
    }
    Files.createFile(dir.resolve("sha256-" + "0".repeat(64) + ".lock")); // an aborted pull
    store.remove("gone");
    RootfsUse running = new RootfsUse();
    ImageGc.Report r = new ImageGc(store, running).collect(OptionalLong.empty());
    assertEquals(1, r.unpacked());
    String k = "sha256-" + kept.hex();
    assertEquals(List.of(k, k + ".inuse", k + ".lock"), listing(dir));
  }

  @Test
  void testCollect_keepsTheLockFilesOfRootfsInUse() throws Exception {
    ImageStore store = new ImageStore(cache);
    Digest gone = image(store, "gone", 10);
    store.remove("gone");
    RootfsUse use = new RootfsUse();
    use.use(store.imageRootfs(gone));
    ImageGc.Report r = new ImageGc(store, use).collect(OptionalLong.empty());
    assertEquals(0, r.unpacked());
    String g = "sha256-" + gone.hex();
    assertEquals(List.of(g, g + ".inuse"), listing(store.imageRootfs(gone).getParent()));
  }

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
