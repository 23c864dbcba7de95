package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers applied in order: OCI whiteouts, replaced trees, and layers that try to escape. */
class LayersTest {
  private static final TarExtractor ROOTLESS = new TarExtractor(TarFixture.rootless());

  @TempDir Path temp;

  private Path root() {
    return temp.resolve("rootfs");
  }

  private void apply(byte[]... layers) {
    TarExtractor.Layers l = ROOTLESS.layers(root());
    for (int i = 0; i < layers.length; i++) {
      l.apply(new ByteArrayInputStream(layers[i]), "layer" + i);
    }
    l.finish();
  }

  private static byte[] base() {
    return new TarFixture()
        .dir("etc", 0555)
        .file("etc/keep", 0644, "keep")
        .file("etc/gone", 0644, "gone")
        .dir("opt/app", 0755)
        .file("opt/app/old1", 0644, "1")
        .dir("opt/app/sub", 0755)
        .file("opt/app/sub/old2", 0644, "2")
        .dir("var/tree/deep", 0755)
        .file("var/tree/deep/f", 0644, "f")
        .tar();
  }

  @Test
  void testLayers_whiteoutRemovesLowerFileAndTree() throws IOException {
    apply(
        base(),
        new TarFixture().file("etc/.wh.gone", 0644, "").file("var/.wh.tree", 0644, "").tar());
    assertTrue(Files.exists(root().resolve("etc/keep")));
    assertFalse(Files.exists(root().resolve("etc/gone"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(root().resolve("var/tree"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(root().resolve("etc/.wh.gone"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void testLayers_opaqueKeepsOnlyThisLayersEntries() throws IOException {
    // The new file comes before the marker in the tar: it must survive the marker all the same.
    apply(
        base(),
        new TarFixture()
            .file("opt/app/new", 0644, "n")
            .file("opt/app/.wh..wh..opq", 0644, "")
            .tar());
    try (Stream<Path> s = Files.list(root().resolve("opt/app"))) {
      assertEquals(List.of("new"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void testLayers_fileReplacesLowerDirectoryAndReadOnlyDirTakesChildren() throws IOException {
    apply(
        base(),
        new TarFixture().file("var/tree", 0644, "now a file").file("etc/added", 0644, "a").tar());
    assertEquals("now a file", Files.readString(root().resolve("var/tree")));
    assertEquals("a", Files.readString(root().resolve("etc/added")));
    assertEquals(0555, (Integer) Files.getAttribute(root().resolve("etc"), "unix:mode") & 07777);
  }

  @Test
  void testLayers_hardLinkToLowerLayer() throws IOException {
    apply(base(), new TarFixture().hardLink("etc/keep2", "etc/keep").tar());
    assertEquals("keep", Files.readString(root().resolve("etc/keep2")));
  }

  @Test
  void testLayers_whiteoutThroughSymlinkRefused() throws IOException {
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("victim"), "v");
    byte[] link = new TarFixture().symlink("escape", "/" + outside).tar();
    UnsafeEntryException e =
        assertThrows(
            UnsafeEntryException.class,
            () -> apply(link, new TarFixture().file("escape/.wh.victim", 0644, "").tar()));
    assertTrue(e.getMessage().contains("'escape/.wh.victim'"), e.getMessage());
    assertTrue(Files.exists(outside.resolve("victim")));
  }

  @Test
  void testLayers_dotDotAndBadWhiteoutNamesRefused() {
    assertThrows(
        UnsafeEntryException.class,
        () -> apply(base(), new TarFixture().file("../evil", 0644, "x").tar()));
    assertThrows(
        UnsafeEntryException.class,
        () -> apply(base(), new TarFixture().file("etc/.wh...", 0644, "").tar()));
  }

  @Test
  void testLayers_writeThroughLowerSymlinkRefused() throws IOException {
    Path outside = Files.createDirectories(temp.resolve("outside"));
    byte[] link = new TarFixture().symlink("etc2", "/" + outside).tar();
    assertThrows(
        UnsafeEntryException.class,
        () -> apply(link, new TarFixture().file("etc2/passwd", 0644, "x").tar()));
    try (Stream<Path> s = Files.list(outside)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void testLayers_plainExtractKeepsWhiteoutFilesAsFiles() throws IOException {
    // Only image layers have whiteout semantics; a rootfs tarball is taken literally.
    ROOTLESS.extract(
        new ByteArrayInputStream(new TarFixture().file(".wh.x", 0644, "").tar()), "t.tar", root());
    assertTrue(Files.exists(root().resolve(".wh.x")));
  }
}
