package dev.mrt.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.config.MrtConfig;
import dev.mrt.config.MrtPaths;
import dev.mrt.host.HostIds;
import dev.mrt.image.store.CacheLayout;
import dev.mrt.image.tar.TarFixture;
import dev.mrt.testing.DirectoryRootfs;
import dev.mrt.testing.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageResolver on each kind of image, with a fake config and embedded rootfs, no registry. */
class ImageResolverTest {
  @TempDir Path temp;

  /** Every hit, miss and pull, as "hit NAME", "miss NAME" and "pulled NAME". */
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private MrtConfig.Images images() {
    return TestConfigs.imageCache(temp.resolve("cache")).images();
  }

  private ImageResolver resolver() {
    ImageResolver r =
        new ImageResolver(
            new DirectoryRootfs(temp.resolve("embedded")),
            images(),
            new MrtPaths(temp.resolve("cache"), temp.resolve("state"), Optional.empty()),
            HostIds.current());
    r.addListener(
        new ImageCacheListener() {
          @Override
          public void hit(String image) {
            events.add("hit " + image);
          }

          @Override
          public void miss(String image, long bytes) {
            events.add("miss " + image);
          }
        });
    r.addPullListener((reference, bytes) -> events.add("pulled " + reference));
    return r;
  }

  private Path tarball(String name, byte[] content) throws IOException {
    return Files.write(temp.resolve(name), content);
  }

  @Test
  void testResolve_defaultIsTheEmbeddedRootfsCountedAsOneMiss() {
    ImageResolver r = resolver();
    PreparedImage image = r.resolve("default");
    assertEquals(temp.resolve("embedded"), image.rootfs());
    assertEquals("sha256:" + "d".repeat(64), image.digest());
    assertSame(image, r.ready("default").orElseThrow());
    assertEquals(List.of("miss default", "hit default"), events);
  }

  @Test
  void testResolve_aTarballIsUnpackedOnceUnderItsDigest() throws IOException {
    Path file = tarball("root.tar", new TarFixture().file("bin/sh", 0755, "#!").tar());
    String name = file.toString();
    ImageResolver r = resolver();
    assertTrue(r.ready(name).isEmpty(), "not unpacked yet");

    PreparedImage image = r.resolve(name);
    Digest digest = Digest.sha256(file);
    assertEquals(digest.toString(), image.digest());
    CacheLayout layout = r.store().layout();
    assertEquals(
        layout.root().resolve(layout.tarballName(digest)).resolve("rootfs"), image.rootfs());
    assertEquals("#!", Files.readString(image.rootfs().resolve("bin/sh")));
    assertEquals(image, r.resolve(name));
    assertEquals(image, r.ready(name).orElseThrow());
    assertEquals(List.of("miss " + name, "hit " + name, "hit " + name), events);
  }

  @Test
  void testResolve_aMissingTarballIsNamed() {
    Path file = temp.resolve("gone.tar");
    ImageException e =
        assertThrows(ImageException.class, () -> resolver().resolve(file.toString()));
    assertTrue(e.getMessage().contains(file + " does not exist"), e.getMessage());
    assertThrows(ImageException.class, () -> resolver().ready(file.toString()));
  }

  @Test
  void testResolve_aDirectoryIsNotATarball() {
    Path dir = temp.toAbsolutePath();
    ImageException e = assertThrows(ImageException.class, () -> resolver().resolve(dir.toString()));
    assertEquals(
        "image "
            + dir.normalize()
            + " is not a file; give 'default' or a root filesystem tarball (.tar, .tar.gz,"
            + " .tar.zst)",
        e.getMessage());
  }

  @Test
  void testResolve_aFileWithoutEntriesIsRefusedAndNotCached() throws IOException {
    Path file = tarball("empty.tar", new byte[0]);
    ImageResolver r = resolver();
    ImageException e = assertThrows(ImageException.class, () -> r.resolve(file.toString()));
    assertTrue(e.getMessage().contains("holds no files"), e.getMessage());
    Path unpacked =
        r.store().layout().root().resolve(r.store().layout().tarballName(Digest.sha256(file)));
    assertFalse(Files.exists(unpacked));
    assertTrue(r.ready(file.toString()).isEmpty());
  }

  @Test
  void testResolve_anOciLayoutIsPulledOnceThenServedFromTheCache() throws IOException {
    TestImage image = TestImage.of(TestImage.layer("app/run", "go"));
    Path layout = image.writeLayout(temp.resolve("layout"), "v1");
    String name = "oci:" + layout + ":v1";
    ImageResolver r = resolver();
    assertTrue(r.ready(name).isEmpty(), "not pulled yet");

    PreparedImage pulled = r.resolve(name);
    assertEquals(image.manifestDigest.toString(), pulled.digest());
    assertEquals("go", Files.readString(pulled.rootfs().resolve("app/run")));
    assertEquals(List.of("/bin/true"), pulled.config().cmd());
    assertEquals(pulled, r.resolve(name));
    assertEquals(pulled, r.ready(name).orElseThrow());
    assertEquals(List.of("pulled " + name, "miss " + name, "hit " + name, "hit " + name), events);
  }

  @Test
  void testReady_aRegistryImageNeverPulledIsNotReadyWithoutAskingTheRegistry() {
    // Port 1 on loopback answers nobody: asking the registry would fail, not return empty.
    assertTrue(resolver().ready("127.0.0.1:1/nobody/here:1").isEmpty());
    assertEquals(List.of(), events);
  }
}
