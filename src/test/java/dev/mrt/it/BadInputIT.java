package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.it.MrtCli.Mode;
import dev.mrt.it.MrtCli.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input gets one line that says what is wrong and what to do, a non-zero exit, and leaves no
 * container, bundle or half-made cache entry behind.
 */
class BadInputIT {

  private static MrtCli fresh(Mode mode, String name) {
    return MrtCli.fresh("bad", mode, name);
  }

  /** One line on stderr, starting with "mrt: ". */
  private static void assertOneLineError(Result r, int exit, String... mentions) {
    assertEquals(exit, r.exit(), r.toString());
    assertEquals(1, r.messages().lines().count(), "want exactly one line:\n" + r);
    assertTrue(r.messages().startsWith("mrt: "), r.toString());
    for (String m : mentions) {
      assertTrue(r.messages().contains(m), "'" + m + "' missing in: " + r.stderr());
    }
  }

  /** Nothing partial in the cache: only complete, marked entries and lock files. */
  private static void assertNoPartialCache(MrtCli cli) throws IOException {
    Path rootfs = cli.cacheDir().resolve("rootfs");
    if (!Files.isDirectory(rootfs)) {
      return;
    }
    try (Stream<Path> s = Files.list(rootfs)) {
      List<String> names =
          s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).toList();
      for (String n : names) {
        assertTrue(!n.startsWith(".") && !n.contains("tmp"), "partial cache entry " + n);
      }
    }
    assertEquals(List.of(), cli.leftoverBundles());
  }

  private static byte[] tar(TarEntrySpec... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (TarEntrySpec e : entries) {
        TarArchiveEntry entry;
        if (e.linkTarget() != null) {
          entry = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName(e.linkTarget());
          tar.putArchiveEntry(entry);
        } else {
          entry = new TarArchiveEntry(e.name());
          byte[] data = e.content().getBytes(StandardCharsets.UTF_8);
          entry.setSize(data.length);
          tar.putArchiveEntry(entry);
          tar.write(data);
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private record TarEntrySpec(String name, String content, String linkTarget) {
    static TarEntrySpec file(String name) {
      return new TarEntrySpec(name, "x\n", null);
    }

    static TarEntrySpec link(String name, String target) {
      return new TarEntrySpec(name, null, target);
    }
  }

  private static Path imageFile(MrtCli cli, String name, byte[] content) {
    return MrtCli.readableFile(cli.home().resolve(name), content);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_missingImageFile(Mode mode) throws IOException {
    MrtCli cli = fresh(mode, "missing");
    Result r = cli.run("run", "--image", "/nonexistent/rootfs.tar.zst", "--", "true");
    assertOneLineError(r, 125, "/nonexistent/rootfs.tar.zst");
    assertNoPartialCache(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_unreadableImageFile(Mode mode) throws IOException {
    MrtCli.assume(mode);
    // root reads everything, so only the rootless half can see a permission problem.
    Assumptions.assumeTrue(mode == Mode.ROOTLESS);
    MrtCli cli = fresh(mode, "unreadable");
    Path file = imageFile(cli, "secret.tar", tar(TarEntrySpec.file("bin/x")));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    if (!MrtCli.isRoot()) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    }
    Result r = cli.run("run", "--image", file.toString(), "--", "true");
    assertOneLineError(r, 125, file.toString());
    assertNoPartialCache(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_corruptTarball(Mode mode) throws IOException {
    MrtCli cli = fresh(mode, "corrupt");
    byte[] garbage =
        "this is not a tar archive at all, just some text bytes"
            .repeat(40)
            .getBytes(StandardCharsets.UTF_8);
    Path file = imageFile(cli, "corrupt.tar", garbage);
    Result r = cli.run("run", "--image", file.toString(), "--", "true");
    assertOneLineError(r, 125, file.toString());
    assertNoPartialCache(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_shortTextOrEmptyFileIsNoImage(Mode mode) throws IOException {
    MrtCli cli = fresh(mode, "short");
    for (String name : List.of("notes.tar.gz", "empty.tar")) {
      byte[] content =
          name.startsWith("empty")
              ? new byte[0]
              : "hello, not an archive\n".getBytes(StandardCharsets.UTF_8);
      Path file = imageFile(cli, name, content);
      Result r = cli.run("run", "--image", file.toString(), "--", "true");
      assertOneLineError(r, 125, file.toString(), "is not a root filesystem tarball");
      assertNoPartialCache(cli);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_misspeltSettingIsOneLineNamingItsFile(Mode mode) {
    MrtCli cli = fresh(mode, "misspelt");
    Path dir = cli.mkdirOwned(cli.home().resolve("work"));
    Path file =
        MrtCli.readableFile(
            dir.resolve("config/application.properties"), "mrt.container.hostnam=x\n");
    Result r = cli.inDirectory(dir).run("run", "--", "true");
    assertOneLineError(r, 125, "mrt.container.hostnam", file.toString(), "fix or remove");
    assertEquals(List.of(), cli.leftoverBundles());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_imageOverTheUnpackCapIsRefusedAsItStreams(Mode mode) throws IOException {
    MrtCli cli = fresh(mode, "bomb");
    Path file =
        imageFile(
            cli,
            "bomb.tar",
            tar(TarEntrySpec.file("bin/a"), new TarEntrySpec("big", "b".repeat(4 << 20), null)));
    Result r =
        cli.withEnv("MRT_IMAGES_MAX_UNPACKED_SIZE", "1M")
            .run("run", "--image", file.toString(), "--", "true");
    assertOneLineError(
        r,
        125,
        file.toString(),
        "at entry 'big'",
        "would pass 1048576 bytes",
        "mrt.images.max-unpacked-size");
    assertNoPartialCache(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_truncatedTarball(Mode mode) throws IOException {
    MrtCli cli = fresh(mode, "truncated");
    byte[] whole =
        tar(TarEntrySpec.file("bin/a"), new TarEntrySpec("big", "y".repeat(100_000), null));
    byte[] cut = Arrays.copyOf(whole, 5000);
    Path file = imageFile(cli, "truncated.tar", cut);
    Result r = cli.run("run", "--image", file.toString(), "--", "true");
    assertOneLineError(r, 125, file.toString());
    assertNoPartialCache(cli);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_pathTraversalTarball(Mode mode) throws IOException {
    MrtCli cli = fresh(mode, "traversal");
    Path file =
        imageFile(
            cli,
            "evil.tar",
            tar(TarEntrySpec.file("bin/ok"), TarEntrySpec.file("../../evil-" + mode)));
    Result r = cli.run("run", "--image", file.toString(), "--", "true");
    assertOneLineError(r, 125, "../../evil-" + mode);
    assertNoPartialCache(cli);
    assertTrue(Files.notExists(cli.cacheDir().getParent().resolve("evil-" + mode)));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_escapingSymlinkTarball(Mode mode) throws IOException {
    MrtCli cli = fresh(mode, "symlink");
    Path outside = cli.mkdirOwned(cli.home().resolve("outside"));
    Path file =
        imageFile(
            cli,
            "evil-link.tar",
            tar(
                TarEntrySpec.link("escape", "../../../../../../../../" + outside),
                TarEntrySpec.file("escape/planted")));
    Result r = cli.run("run", "--image", file.toString(), "--", "true");
    assertOneLineError(r, 125, "escape");
    assertNoPartialCache(cli);
    assertTrue(Files.notExists(outside.resolve("planted")), "wrote through the symlink");
  }
}
