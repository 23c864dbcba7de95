package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The path rules on their own, against a disk that is a map: no file is ever touched. */
class EntryPathsTest {
  private static final Path ROOT = Path.of("/r");

  private final Cursor at = new Cursor("a.tar", "the/entry");

  /** A tree in memory; counts the looks, as verified directories must not be looked at again. */
  private static final class MapDisk implements EntryPaths.Disk {
    final Map<Path, EntryPaths.Kind> kinds = new HashMap<>();
    final List<Path> looked = new ArrayList<>();
    final List<Path> made = new ArrayList<>();

    MapDisk with(String path, EntryPaths.Kind kind) {
      kinds.put(ROOT.resolve(path), kind);
      return this;
    }

    @Override
    public EntryPaths.Kind kind(Path path) {
      looked.add(path);
      return kinds.getOrDefault(path, EntryPaths.Kind.MISSING);
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
      made.add(dir);
      kinds.put(dir, EntryPaths.Kind.DIRECTORY);
    }
  }

  private String refusal(Runnable r) {
    UnsafeEntryException e = assertThrows(UnsafeEntryException.class, r::run);
    assertEquals("a.tar", e.archive());
    assertEquals("the/entry", e.entry());
    return e.getMessage();
  }

  @Test
  void testRelative_cleansEmptyAndDotComponents() {
    assertEquals(Path.of("usr/bin/x"), EntryPaths.relative("./usr//bin/./x/", "has", at));
    assertEquals(Path.of(""), EntryPaths.relative("./", "has", at));
    assertEquals(Path.of("a..b/..c"), EntryPaths.relative("a..b/..c", "has", at));
  }

  @Test
  void testRelative_absoluteAndDotDotRefusedWithTheCallersWords() {
    assertTrue(
        refusal(() -> EntryPaths.relative("/etc/passwd", "has", at))
            .contains("'the/entry' has an absolute path"));
    assertTrue(
        refusal(() -> EntryPaths.relative("a/../../b", "is a link that has", at))
            .contains("'the/entry' is a link that has a '..' component"));
  }

  @Test
  void testCheckSymlinkTarget_relativeMayNotClimbAboveTheRoot() {
    assertDoesNotThrow(() -> EntryPaths.checkSymlinkTarget(Path.of("usr/bin/py"), "../lib/x", at));
    assertDoesNotThrow(() -> EntryPaths.checkSymlinkTarget(Path.of("a"), "/etc/anything", at));
    assertTrue(
        refusal(() -> EntryPaths.checkSymlinkTarget(Path.of("usr/x"), "../../etc", at))
            .contains("points outside the root"));
    refusal(() -> EntryPaths.checkSymlinkTarget(Path.of("x"), "..", at));
  }

  @Test
  void testEnsureRealDirectory_createsMissingOnesOnceAndRemembers() {
    MapDisk disk = new MapDisk().with("usr", EntryPaths.Kind.DIRECTORY);
    EntryPaths paths = new EntryPaths(ROOT, at, disk);
    paths.ensureRealDirectory(ROOT.resolve("usr/lib/x"), true);
    assertEquals(List.of(ROOT.resolve("usr/lib"), ROOT.resolve("usr/lib/x")), disk.made);
    int looks = disk.looked.size();
    paths.ensureRealDirectory(ROOT.resolve("usr/lib/x"), true);
    assertEquals(looks, disk.looked.size(), "verified directories are not looked at again");
  }

  @Test
  void testEnsureRealDirectory_neverThroughASymlinkOrFile() {
    MapDisk disk =
        new MapDisk()
            .with("bin", EntryPaths.Kind.SYMLINK)
            .with("etc", EntryPaths.Kind.DIRECTORY)
            .with("etc/f", EntryPaths.Kind.OTHER);
    EntryPaths paths = new EntryPaths(ROOT, at, disk);
    assertTrue(
        refusal(() -> paths.ensureRealDirectory(ROOT.resolve("bin/sub"), true))
            .contains("through the symlink 'bin'"));
    assertTrue(
        refusal(() -> paths.ensureRealDirectory(ROOT.resolve("etc/f"), true))
            .contains("parent 'etc/f' that is not a directory"));
    assertEquals(List.of(), disk.made);
  }

  @Test
  void testEnsureRealDirectory_missingRefusedWhenNotToCreate() {
    EntryPaths paths = new EntryPaths(ROOT, at, new MapDisk());
    assertTrue(
        refusal(() -> paths.ensureRealDirectory(ROOT.resolve("lib"), false))
            .contains("refers to 'lib', which was not unpacked before it"));
  }

  @Test
  void testForget_aReplacedDirectoryIsLookedAtAgain() {
    MapDisk disk =
        new MapDisk().with("d", EntryPaths.Kind.DIRECTORY).with("d/e", EntryPaths.Kind.DIRECTORY);
    EntryPaths paths = new EntryPaths(ROOT, at, disk);
    paths.ensureRealDirectory(ROOT.resolve("d/e"), false);
    disk.with("d", EntryPaths.Kind.SYMLINK); // a later layer made it a symlink
    paths.forget(ROOT.resolve("d"));
    refusal(() -> paths.ensureRealDirectory(ROOT.resolve("d/e"), false));
  }
}
