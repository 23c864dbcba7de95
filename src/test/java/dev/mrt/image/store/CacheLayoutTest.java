package dev.mrt.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.image.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheLayoutTest {
  private static final Digest D = new Digest("ab".repeat(32));

  @TempDir Path cache;

  private CacheLayout layout() {
    return new CacheLayout(cache);
  }

  @Test
  void testNames_areTheOnDiskLayout() {
    // What existing caches hold: changing any of these orphans them.
    CacheLayout l = layout();
    assertEquals(cache.resolve("blobs/sha256/" + D.hex()), l.blob(D));
    assertEquals(cache.resolve("bundles/sha256-" + D.hex()), l.imageRootfs(D));
    assertEquals(l.imageRootfs(D), cache.resolve(l.imageRootfsName(D)));
    assertEquals("rootfs/sha256-" + D.hex(), l.tarballName(D));
    assertEquals(cache.resolve("images.json"), l.index());
    assertEquals(cache.resolve("images.json.lock"), l.indexLock());
    assertEquals(cache.resolve(".images.json.tmp"), l.indexTemp());
  }

  @Test
  void testNewTempBlob_freshEachTimeBesideTheBlobsAndKnownAsTemp() {
    CacheLayout l = layout();
    Path a = l.newTempBlob(D);
    Path b = l.newTempBlob(D);
    assertNotEquals(a, b);
    assertEquals(l.blobs(), a.getParent());
    assertTrue(a.getFileName().toString().startsWith(".tmp-" + D.hex() + "-"));
    assertTrue(CacheLayout.isTempBlob(a));
    assertFalse(CacheLayout.isTempBlob(l.blob(D)));
  }

  @Test
  void testBlobFiles_tellBlobsTempsAndStraysApart() throws Exception {
    CacheLayout l = layout();
    assertEquals(List.of(), l.blobFiles(), "no blob directory yet");
    Files.createDirectories(l.blobs());
    Path blob = Files.createFile(l.blob(D));
    Path temp = Files.createFile(l.newTempBlob(D));
    Path stray = Files.createFile(l.blobs().resolve("README"));
    Path upper = Files.createFile(l.blobs().resolve("AB".repeat(32)));
    Files.createFile(l.blobs().resolve(".DS_Store")); // hidden, not ours: not listed
    List<CacheLayout.BlobFile> files =
        l.blobFiles().stream().sorted(Comparator.comparing(CacheLayout.BlobFile::path)).toList();
    assertEquals(
        List.of(
            new CacheLayout.Partial(temp),
            new CacheLayout.Foreign(upper),
            new CacheLayout.Foreign(stray),
            new CacheLayout.Blob(blob, D)),
        files);
  }

  @Test
  void testImageRootfsEntries_onlyDirectoriesNotTheirLockFiles() throws Exception {
    CacheLayout l = layout();
    assertEquals(List.of(), l.imageRootfsEntries(), "no prepared root filesystem yet");
    Path rootfs = Files.createDirectories(l.imageRootfs(D));
    Path lock = Files.createFile(PreparedDirectory.lockFile(rootfs));
    Files.createDirectories(l.imageRootfsDir().resolve("other"));
    assertEquals(List.of(rootfs), l.imageRootfsEntries());
    assertEquals(3, l.imageRootfsFiles().size());
    assertTrue(l.imageRootfsFiles().contains(lock));
  }
}
