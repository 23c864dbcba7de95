package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.mrt.MrtException;
import dev.mrt.host.Arch;
import dev.mrt.host.HostIds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper's unpacker against the Java one: the same tree from the same archive, and the same
 * refusals. Runs the real helper of this build (assets/<arch>/mrt-handoff.zst).
 */
class NativeTarExtractorTest {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  @TempDir Path temp;
  private Path helper;

  @BeforeEach
  void unpackHelper() throws IOException {
    String asset = "assets/" + Arch.host().debianName() + "/mrt-handoff.zst";
    InputStream in = getClass().getClassLoader().getResourceAsStream(asset);
    assumeTrue(
        in != null || System.getenv("CI") != null, asset + " is not built (-Dmrt.assets.skip)");
    assertNotNull(in, asset + " is missing: CI builds the assets");
    helper = temp.resolve("mrt-handoff");
    try (InputStream plain = new ZstdInputStream(in)) {
      Files.copy(plain, helper);
    }
    Files.setAttribute(helper, "unix:mode", 0755);
  }

  private NativeTarExtractor helperWith(TarExtractor.Options options) {
    return new NativeTarExtractor(helper, options);
  }

  private TarExtractor.Summary unpack(byte[] archive, Path dest) {
    return helperWith(TarFixture.rootless())
        .extract(new ByteArrayInputStream(archive), "test.tar", dest);
  }

  /** Every entry type and attribute a root filesystem has, and a path replaced by a later one. */
  private static byte[] everything() {
    return new TarFixture()
        .dir("./", 0751)
        .dir("./usr/bin", 0755)
        .file("./usr/bin/python3.11", 0755, "#!python")
        .file("./usr/bin/su", 04755, "su")
        .file("./usr/sbin/unix_chkpwd", 02755, "chk")
        .ownedFile("./etc/shadow", 0640, 0, 42)
        .ownedFile("./var/mail/x", 0600, 8, 8)
        .file("./etc/none", 0000, "")
        .file("./etc/hostname", 0644, "old")
        .file("./etc/hostname", 0644, "new")
        .symlink("./usr/bin/python3", "python3.11")
        .symlink("./bin", "usr/bin")
        .symlink("./etc/localtime", "/usr/share/zoneinfo/UTC")
        .hardLink("./usr/bin/python", "./usr/bin/python3.11")
        .dir("./tmp", 01777)
        .dir("./ro", 0555)
        .file("./ro/inside", 0444, "ro")
        .file("./" + "deep/".repeat(30) + "file", 0644, "long name")
        // Listed: the helper makes no parents for the devices and FIFOs it skips.
        .dir("./dev", 0755)
        .charDevice("./dev/null", 1, 3)
        .dir("./run", 0755)
        .fifo("./run/initctl")
        .tar();
  }

  @Test
  void testExtract_sameTreeAsTheJavaUnpacker_rootless() throws IOException {
    TarExtractor.Options rootless = TarFixture.rootless();
    byte[] tar = everything();
    Path java = temp.resolve("java");
    Path natively = temp.resolve("native");

    TarExtractor.Summary expected =
        new TarExtractor(rootless).extract(new ByteArrayInputStream(tar), "t", java);
    TarExtractor.Summary got =
        helperWith(rootless).extract(new ByteArrayInputStream(tar), "t", natively);

    assertEquals(expected, got);
    assertEquals(2, got.skippedSpecialFiles());
    assertEquals(listing(java), listing(natively));
    assertEquals("new", Files.readString(natively.resolve("etc/hostname")));
  }

  @Test
  void testExtract_sameTreeAsTheJavaUnpacker_rootful() throws IOException {
    assumeTrue(HostIds.current().isRoot(), "chown and mknod need root");
    TarExtractor.Options root = new TarExtractor.Options(true, true, HostIds.current().umask());
    byte[] tar = everything();
    Path java = temp.resolve("java");
    Path natively = temp.resolve("native");

    new TarExtractor(root).extract(new ByteArrayInputStream(tar), "t", java);
    TarExtractor.Summary got =
        helperWith(root).extract(new ByteArrayInputStream(tar), "t", natively);

    assertEquals(0, got.skippedSpecialFiles());
    assertEquals(listing(java), listing(natively));
    assertEquals(42, Files.getAttribute(natively.resolve("etc/shadow"), "unix:gid"));
  }

  /** zstd is decoded by the helper's second thread, gzip here: both give the plain tar's tree. */
  @Test
  void testExtract_compressedAsPlain() throws IOException {
    byte[] tar = everything();
    unpack(tar, temp.resolve("plain"));

    unpack(TarFixture.zstdWithChecksum(tar), temp.resolve("zstd"));
    unpack(TarFixture.gzip(tar), temp.resolve("gzip"));

    assertEquals(listing(temp.resolve("plain")), listing(temp.resolve("zstd")));
    assertEquals(listing(temp.resolve("plain")), listing(temp.resolve("gzip")));
  }

  @Test
  void testExtract_damagedOrCutZstdIsCorrupt() {
    byte[] good = TarFixture.zstdWithChecksum(everything());
    byte[] damaged = good.clone();
    damaged[damaged.length - 1] ^= 0x01; // the checksum: the content still decodes
    byte[] cut = Arrays.copyOf(good, good.length / 2);

    CorruptArchiveException e =
        assertThrows(CorruptArchiveException.class, () -> unpack(damaged, temp.resolve("d")));
    CorruptArchiveException c =
        assertThrows(CorruptArchiveException.class, () -> unpack(cut, temp.resolve("c")));

    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    assertTrue(c.getMessage().contains("truncated"), c.getMessage());
  }

  @Test
  void testExtract_refusesNamesOutsideTheRoot() throws IOException {
    for (String name : List.of("../evil", "./a/../../evil", "/evil")) {
      Path dest = temp.resolve("dest-" + name.hashCode());
      byte[] tar = new TarFixture().file(name, 0644, "x").tar();

      UnsafeEntryException e = assertThrows(UnsafeEntryException.class, () -> unpack(tar, dest));

      assertEquals(name, e.entry());
      assertFalse(Files.exists(temp.resolve("evil")), name);
      assertEquals(List.of(), names(dest), name);
    }
  }

  @Test
  void testExtract_refusesPathsThroughItsSymlinks() throws IOException {
    Path outside = Files.createDirectory(temp.resolve("outside"));
    Files.writeString(outside.resolve("victim"), "mine");
    byte[][] hostile = {
      new TarFixture().symlink("./link", outside.toString()).file("./link/new", 0644, "x").tar(),
      new TarFixture().symlink("./link", outside.toString()).dir("./link", 0755).tar(),
      new TarFixture()
          .symlink("./a/link", outside.toString())
          .hardLink("./stolen", "./a//link/victim")
          .tar(),
    };
    for (byte[] tar : hostile) {
      Path dest = temp.resolve("dest" + Arrays.hashCode(tar));

      UnsafeEntryException e = assertThrows(UnsafeEntryException.class, () -> unpack(tar, dest));

      assertTrue(e.getMessage().contains("goes through the symlink"), e.getMessage());
      assertEquals(List.of("victim"), names(outside));
      assertEquals("mine", Files.readString(outside.resolve("victim")));
    }
  }

  @Test
  void testExtract_corruptOrCutArchivesAreCorrupt() {
    byte[] tar = new TarFixture().file("./big", 0644, "y".repeat(100_000)).tar();
    byte[] cut = Arrays.copyOf(tar, 40_000);
    byte[] garbage = new byte[4096];
    Arrays.fill(garbage, (byte) 'g');

    assertThrows(CorruptArchiveException.class, () -> unpack(cut, temp.resolve("cut")));
    assertThrows(CorruptArchiveException.class, () -> unpack(garbage, temp.resolve("garbage")));
  }

  @Test
  void testExtract_destinationMustBeEmpty() throws IOException {
    Path dest = Files.createDirectories(temp.resolve("dest"));
    Files.writeString(dest.resolve("already"), "here");

    DestinationException e =
        assertThrows(
            DestinationException.class,
            () -> unpack(new TarFixture().file("./a", 0644, "a").tar(), dest));

    assertTrue(e.getMessage().contains("not an empty directory"), e.getMessage());
  }

  @Test
  void testExtract_missingHelperSaysWhich() {
    NativeTarExtractor none =
        new NativeTarExtractor(temp.resolve("no-such-helper"), TarFixture.rootless());

    MrtException e =
        assertThrows(
            MrtException.class,
            () ->
                none.extract(
                    new ByteArrayInputStream(new TarFixture().tar()), "t", temp.resolve("d")));

    assertTrue(e.getMessage().startsWith("cannot start the unpack helper "), e.getMessage());
    assertTrue(e.getMessage().contains("no-such-helper"), e.getMessage());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** One line per path: type, content or target, mode, owner, mtime, links, owner xattr. */
  private static List<String> listing(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.sorted().map(p -> describe(root, p)).toList();
    }
  }

  private static String describe(Path root, Path p) {
    try {
      PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW);
      String kind =
          a.isSymbolicLink()
              ? "l " + Files.readSymbolicLink(p)
              : a.isDirectory()
                  ? "d"
                  : a.isRegularFile() ? "f " + Files.readString(p) : a.isOther() ? "o" : "?";
      return String.join(
          " ",
          root.relativize(p).toString(),
          kind,
          Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777),
          a.owner().getName() + ":" + a.group().getName(),
          // Parents the archive does not list are made "now"; devices and FIFOs the Java
          // unpacker leaves unstamped.
          a.isSymbolicLink() || a.isOther()
              ? ""
              : a.lastModifiedTime().equals(TarFixture.MTIME) ? "archive-mtime" : "own-mtime",
          "links=" + Files.getAttribute(p, "unix:nlink", NOFOLLOW),
          // Opening a FIFO to read its xattrs would block.
          a.isDirectory() || a.isRegularFile() ? ownerXattr(p) : "");
    } catch (IOException e) {
      throw new AssertionError(p + ": " + e, e);
    }
  }

  private static String ownerXattr(Path p) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
    if (!view.list().contains(RootlessOwner.XATTR)) {
      return "-";
    }
    ByteBuffer value = ByteBuffer.allocate(view.size(RootlessOwner.XATTR));
    view.read(RootlessOwner.XATTR, value);
    return HexFormat.of().formatHex(value.array());
  }
}
