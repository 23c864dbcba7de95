package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt.host.HostIds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
  private static final TarExtractor ROOTLESS = new TarExtractor(TarFixture.rootless());

  @TempDir Path temp;

  private Path dest() {
    return temp.resolve("dest");
  }

  private TarExtractor.Summary extract(byte[] archive) {
    return ROOTLESS.extract(new ByteArrayInputStream(archive), "test.tar", dest());
  }

  private <T extends ArchiveException> T assertRejected(Class<T> type, byte[] archive) {
    return assertThrows(type, () -> extract(archive));
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  /** Everything below the temp dir that is not inside dest: nothing may ever land there. */
  private long filesOutsideDest() throws IOException {
    try (Stream<Path> all = Files.walk(temp)) {
      return all.filter(p -> !p.startsWith(dest()) && !p.equals(temp)).count();
    }
  }

  @Test
  void testExtract_roundTripKeepsModesLinksAndMtimes() throws IOException {
    byte[] archive =
        new TarFixture()
            .dir("./", 0755)
            .dir("./usr/bin", 0555)
            .file("./usr/bin/python3.11", 04755, "#!python")
            .symlink("./usr/bin/python3", "python3.11")
            .symlink("./bin", "usr/bin")
            .symlink("./usr/bin/abs", "/usr/bin/python3.11")
            .hardLink("./usr/bin/python-hard", "./usr/bin/python3.11")
            .file("./etc/deep/file", 0600, "secret")
            .tar();

    TarExtractor.Summary summary = extract(archive);

    Path bin = dest().resolve("usr/bin");
    assertEquals(8, summary.entries());
    assertEquals("#!python", Files.readString(bin.resolve("python3.11")));
    assertEquals(04755, mode(bin.resolve("python3.11")), "setuid bit kept");
    assertEquals(0555, mode(bin), "read-only directory mode applied last");
    assertEquals(0600, mode(dest().resolve("etc/deep/file")));
    assertEquals(Path.of("python3.11"), Files.readSymbolicLink(bin.resolve("python3")));
    assertEquals(Path.of("/usr/bin/python3.11"), Files.readSymbolicLink(bin.resolve("abs")));
    assertEquals(Path.of("usr/bin"), Files.readSymbolicLink(dest().resolve("bin")));
    assertEquals(
        Files.getAttribute(bin.resolve("python3.11"), "unix:ino"),
        Files.getAttribute(bin.resolve("python-hard"), "unix:ino"),
        "hard link shares the inode");
    assertEquals(TarFixture.MTIME, Files.getLastModifiedTime(bin.resolve("python3.11")));
    assertEquals(
        TarFixture.MTIME, Files.getLastModifiedTime(bin), "directory mtime survives children");
  }

  /**
   * Only a stream read to its end gets a zstd frame's checksum or a gzip member's CRC checked: the
   * extractor reads on past the tar end marker, further than its read-ahead would.
   */
  @Test
  void testExtract_readsTheStreamToItsEnd() throws IOException {
    byte[] tar = new TarFixture().file("./a", 0644, "x").tar();
    byte[] withTail = Arrays.copyOf(tar, tar.length + (16 << 20)); // zeros after the end
    ByteArrayInputStream in = new ByteArrayInputStream(withTail);

    ROOTLESS.extract(in, "test.tar", dest());

    assertEquals(0, in.available());
    assertEquals("x", Files.readString(dest().resolve("a")));
  }

  @Test
  void testExtract_modesBeyondTheUmaskKept() throws IOException {
    extract(new TarFixture().file("./shared", 0777, "x").file("./private", 0400, "y").tar());

    assertEquals(0777, mode(dest().resolve("shared")), "group/other write survive the umask");
    assertEquals(0400, mode(dest().resolve("private")));
  }

  @Test
  void testExtract_givenUmaskDecidesTheChmod() throws IOException {
    int umask = HostIds.current().umask();
    assumeTrue((umask & 0777) != 0, "the process umask drops no bits");
    // Told the umask drops nothing, the extractor skips the chmod and the real umask shows: the
    // value it was given decides, not one it reads itself.
    TarExtractor toldNoUmask = new TarExtractor(new TarExtractor.Options(false, false, 0));

    toldNoUmask.extract(
        new ByteArrayInputStream(new TarFixture().file("./shared", 0777, "x").tar()),
        "t.tar",
        dest());

    assertEquals(0777 & ~umask, mode(dest().resolve("shared")));
  }

  @Test
  void testExtract_rootlessRecordsImageOwnerInXattr() throws IOException {
    Files.createDirectories(dest());
    assumeTrue(
        Files.getFileStore(dest()).supportsFileAttributeView(UserDefinedFileAttributeView.class),
        "the temp file system has no user xattrs");

    extract(
        new TarFixture()
            .ownedFile("./home/user/file", 0644, 1000, 1000)
            .ownedFile("./etc/shadow", 0640, 0, 42)
            .ownedFile("./etc/passwd", 0644, 0, 0)
            .tar());

    assertArrayEquals(
        new byte[] {0x08, (byte) 0xE8, 0x07, 0x10, (byte) 0xE8, 0x07},
        ownerXattr(dest().resolve("home/user/file")));
    assertArrayEquals(
        new byte[] {0x10, 42},
        ownerXattr(dest().resolve("etc/shadow")),
        "uid 0 is left out, as proto3 does");
    assertEquals(null, ownerXattr(dest().resolve("etc/passwd")), "root:root has no xattr");
  }

  private static byte[] ownerXattr(Path p) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
    if (!view.list().contains(RootlessOwner.XATTR)) {
      return null;
    }
    ByteBuffer value = ByteBuffer.allocate(view.size(RootlessOwner.XATTR));
    view.read(RootlessOwner.XATTR, value);
    return value.array();
  }

  @Test
  void testExtract_fileUsedAsParentDirectoryRejected() {
    // The file may still be with a writer thread when its "child" comes: the answer must not
    // depend on that race.
    for (int i = 0; i < 20; i++) {
      byte[] archive =
          new TarFixture().file("./a", 0644, "x".repeat(100_000)).file("./a/b", 0644, "y").tar();
      Path fresh = temp.resolve("fresh-" + i);
      UnsafeEntryException e =
          assertThrows(
              UnsafeEntryException.class,
              () -> ROOTLESS.extract(new ByteArrayInputStream(archive), "test.tar", fresh));
      assertTrue(
          e.getMessage().contains("has a parent 'a' that is not a directory"), e.getMessage());
    }
  }

  @Test
  void testExtract_existingDestinationContentIsReplacedNotFollowed() throws IOException {
    // A non-empty destination takes the path that looks before it writes.
    Files.createDirectories(dest());
    Files.createSymbolicLink(dest().resolve("link"), temp.resolve("outside"));
    Files.writeString(dest().resolve("old"), "old");

    extract(new TarFixture().file("./link", 0644, "in").file("./old", 0644, "new").tar());

    assertFalse(Files.isSymbolicLink(dest().resolve("link")));
    assertEquals("in", Files.readString(dest().resolve("link")));
    assertEquals("new", Files.readString(dest().resolve("old")));
    assertFalse(Files.exists(temp.resolve("outside")), "nothing written through the symlink");
  }

  @Test
  void testExtract_laterEntryReplacesEarlier() throws IOException {
    extract(new TarFixture().file("a", 0644, "old").symlink("b", "a").file("b", 0644, "new").tar());

    assertEquals(
        "old", Files.readString(dest().resolve("a")), "replacing b must not write through it");
    assertEquals("new", Files.readString(dest().resolve("b")));
    assertFalse(Files.isSymbolicLink(dest().resolve("b")));
  }

  @Test
  void testExtract_dotDotEntryRejected() throws IOException {
    UnsafeEntryException e =
        assertRejected(
            UnsafeEntryException.class, new TarFixture().file("a/../../evil", 0644, "x").tar());

    assertEquals("a/../../evil", e.entry());
    assertEquals(
        "refusing to unpack test.tar: entry 'a/../../evil' has a '..' component;"
            + " the archive is unsafe, use a trusted image",
        e.getMessage());
    assertEquals(0, filesOutsideDest());
  }

  @Test
  void testExtract_absoluteEntryRejected() {
    UnsafeEntryException e =
        assertRejected(
            UnsafeEntryException.class, new TarFixture().file("/etc/passwd", 0644, "x").tar());

    assertEquals("/etc/passwd", e.entry());
    assertTrue(e.getMessage().contains("'/etc/passwd' has an absolute path"), e.getMessage());
  }

  @Test
  void testExtract_relativeSymlinkClimbingOutRejected() {
    UnsafeEntryException e =
        assertRejected(
            UnsafeEntryException.class, new TarFixture().symlink("a/b/link", "../../../etc").tar());

    assertTrue(
        e.getMessage()
            .contains("'a/b/link' is a symlink to '../../../etc', which points outside the root"),
        e.getMessage());
    assertFalse(Files.exists(dest().resolve("a/b/link"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void testExtract_relativeSymlinkStayingInsideAllowed() throws IOException {
    extract(new TarFixture().symlink("a/b/link", "../../etc").tar());

    assertEquals(Path.of("../../etc"), Files.readSymbolicLink(dest().resolve("a/b/link")));
  }

  @Test
  void testExtract_writeThroughAbsoluteSymlinkRejected() throws IOException {
    Path outside = Files.createDirectory(temp.resolve("outside"));
    byte[] archive =
        new TarFixture().symlink("link", outside.toString()).file("link/evil", 0644, "x").tar();

    UnsafeEntryException e = assertRejected(UnsafeEntryException.class, archive);

    assertEquals("link/evil", e.entry());
    assertTrue(
        e.getMessage().contains("would be written through the symlink 'link'"), e.getMessage());
    assertFalse(Files.exists(outside.resolve("evil")));
  }

  @Test
  void testExtract_writeThroughClimbingSymlinkRejected() throws IOException {
    // The link itself is legal (it stays at the root); writing through it is not.
    byte[] archive = new TarFixture().symlink("a/link", "..").file("a/link/evil", 0644, "x").tar();

    UnsafeEntryException e = assertRejected(UnsafeEntryException.class, archive);

    assertEquals("a/link/evil", e.entry());
    assertFalse(Files.exists(dest().resolve("evil")));
    assertEquals(0, filesOutsideDest());
  }

  @Test
  void testExtract_hardLinkToOutsideRejected() throws IOException {
    Path secret = Files.writeString(temp.resolve("secret"), "s");
    byte[] archive = new TarFixture().hardLink("stolen", "../secret").tar();

    UnsafeEntryException e = assertRejected(UnsafeEntryException.class, archive);

    assertTrue(
        e.getMessage().contains("'stolen' is a hard link to a path that has a '..' component"),
        e.getMessage());
    assertFalse(Files.exists(dest().resolve("stolen")));
    assertEquals(1, Files.getAttribute(secret, "unix:nlink"));
  }

  @Test
  void testExtract_hardLinkThroughSymlinkRejected() throws IOException {
    Files.writeString(Files.createDirectory(temp.resolve("outside")).resolve("f"), "s");
    byte[] archive =
        new TarFixture()
            .symlink("out", temp.resolve("outside").toString())
            .hardLink("stolen", "out/f")
            .tar();

    UnsafeEntryException e = assertRejected(UnsafeEntryException.class, archive);

    assertTrue(
        e.getMessage().contains("would be written through the symlink 'out'"), e.getMessage());
    assertFalse(Files.exists(dest().resolve("stolen")));
  }

  @Test
  void testExtract_hardLinkToMissingEntryRejected() {
    UnsafeEntryException e =
        assertRejected(
            UnsafeEntryException.class, new TarFixture().hardLink("l", "not-there").tar());

    assertTrue(e.getMessage().contains("which is not a file unpacked before it"), e.getMessage());
  }

  @Test
  void testExtract_specialFilesSkippedWhenRootless() throws IOException {
    byte[] archive =
        new TarFixture()
            .charDevice("dev/null", 1, 3)
            .fifo("dev/fifo")
            .file("etc/hostname", 0644, "h")
            .tar();

    TarExtractor.Summary summary = extract(archive);

    assertEquals(2, summary.skippedSpecialFiles());
    assertFalse(Files.exists(dest().resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(dest().resolve("dev/fifo"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("h", Files.readString(dest().resolve("etc/hostname")));
  }

  @Test
  void testExtract_fifoCreatedWhenAsked() throws IOException {
    // A FIFO needs no privilege, so this exercises the "create" path as any user.
    TarExtractor withSpecial =
        new TarExtractor(new TarExtractor.Options(true, false, HostIds.current().umask()));

    withSpecial.extract(
        new ByteArrayInputStream(new TarFixture().fifo("p").tar()), "t.tar", dest());

    assertTrue(Files.readAttributes(dest().resolve("p"), BasicFileAttributes.class).isOther());
  }

  @Test
  void testExtract_truncatedArchiveRejected() {
    byte[] full = new TarFixture().file("big", 0644, "x".repeat(10_000)).tar();
    byte[] truncated = Arrays.copyOf(full, 4096);

    CorruptArchiveException e = assertRejected(CorruptArchiveException.class, truncated);

    assertEquals("big", e.entry());
    assertTrue(
        e.getMessage().startsWith("cannot unpack test.tar at entry 'big': "), e.getMessage());
  }

  @Test
  void testExtract_gzipZstdAndPlainDetected() throws IOException {
    byte[] tar = new TarFixture().file("f", 0644, "content").tar();
    for (byte[] archive : new byte[][] {tar, TarFixture.gzip(tar), TarFixture.zstd(tar)}) {
      Path out = temp.resolve("d" + archive.length);
      ROOTLESS.extract(new ByteArrayInputStream(archive), "t", out);
      assertEquals("content", Files.readString(out.resolve("f")));
    }
  }

  @Test
  void testDetect_byMagicBytes() throws IOException {
    byte[] tar = new TarFixture().file("f", 0644, "c").tar();

    assertEquals(Compression.NONE, Compression.detect(new ByteArrayInputStream(tar)));
    assertEquals(
        Compression.GZIP, Compression.detect(new ByteArrayInputStream(TarFixture.gzip(tar))));
    assertEquals(
        Compression.ZSTD, Compression.detect(new ByteArrayInputStream(TarFixture.zstd(tar))));
  }

  @Test
  void testExtract_corruptZstdRejected() {
    byte[] zstd = TarFixture.zstd(new TarFixture().file("f", 0644, "x".repeat(5000)).tar());
    for (int i = 8; i < zstd.length; i++) {
      zstd[i] ^= 0x5a;
    }

    CorruptArchiveException e = assertRejected(CorruptArchiveException.class, zstd);

    assertTrue(e.getMessage().startsWith("cannot unpack test.tar"), e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void testExtract_notATarRejected() {
    CorruptArchiveException e =
        assertRejected(
            CorruptArchiveException.class,
            "this is not a tar archive at all".repeat(40).getBytes());

    assertTrue(e.getMessage().contains("the file is damaged or incomplete"), e.getMessage());
  }

  @Test
  void testExtract_xzNamedInError() {
    byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3};

    CorruptArchiveException e = assertRejected(CorruptArchiveException.class, xz);

    assertTrue(
        e.getMessage().contains("xz and bzip2 compression are not supported"), e.getMessage());
  }

  @Test
  void testExtract_aFileReplacingAFilledDirectoryIsNamed() {
    byte[] archive =
        new TarFixture().dir("a", 0755).file("a/x", 0644, "x").file("a", 0644, "now a file").tar();
    CorruptArchiveException e = assertRejected(CorruptArchiveException.class, archive);
    assertEquals(
        "cannot unpack test.tar at entry 'a': it replaces the directory 'a' that"
            + " earlier entries filled; the file is damaged or incomplete, fetch or rebuild it",
        e.getMessage());
  }

  @Test
  void testExtract_aFileMayReplaceAnEmptyDirectory() throws IOException {
    extract(new TarFixture().dir("a", 0755).file("a", 0644, "file").tar());
    assertEquals("file", Files.readString(dest().resolve("a")));
  }

  @Test
  void testExtract_capsStopABombBeforeItIsWritten() throws IOException {
    TarExtractor capped = new TarExtractor(TarFixture.rootless().withCaps(4096, 5));
    byte[] big =
        new TarFixture().file("./small", 0644, "x").file("./bomb", 0644, "y".repeat(5000)).tar();
    UnpackLimitException bytes =
        assertThrows(
            UnpackLimitException.class,
            () ->
                capped.extract(
                    new ByteArrayInputStream(TarFixture.zstd(big)), "bomb.tar.zst", dest()));
    assertEquals(
        "refusing to unpack bomb.tar.zst at entry './bomb': its files would pass 4096"
            + " bytes unpacked (this entry alone declares 5000); raise mrt.images.max-unpacked-size if"
            + " the image is genuine",
        bytes.getMessage());
    assertFalse(Files.exists(dest().resolve("bomb")), "refused before a byte was written");

    TarFixture many = new TarFixture();
    for (int i = 0; i < 6; i++) {
      many.file("./f" + i, 0644, "z");
    }
    UnpackLimitException count =
        assertThrows(
            UnpackLimitException.class,
            () ->
                capped.extract(
                    new ByteArrayInputStream(many.tar()), "many.tar", temp.resolve("d2")));
    assertTrue(
        count
            .getMessage()
            .endsWith(
                "the image has more than 5 entries; raise"
                    + " mrt.images.max-entries if it is genuine"),
        count.getMessage());
  }
}
