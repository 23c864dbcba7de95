package dev.mrt.image.tar;

import dev.mrt.host.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Writes entries whose paths {@link EntryPaths} has checked: files (their content through {@link
 * RegularFiles}), directories, symlinks, hard links and, when allowed, device nodes and FIFOs. What
 * was there before an entry is replaced (the last entry wins). Files are created with {@code
 * O_EXCL}, so the final component is never followed either.
 */
final class EntryWriter implements EntryPaths.Disk {
  private final Path root;

  /** Layers may replace a lower layer's whole directory; one archive may not. */
  private final boolean layered;

  private final boolean createSpecialFiles;
  private final Attributes attributes;
  private final Cursor at;
  private final EntryPaths paths;
  private final Handoff handoff;
  private final RegularFiles files;
  private long skipped;

  EntryWriter(
      Path root, boolean layered, boolean createSpecialFiles, Attributes attributes, Cursor at) {
    this.root = root;
    this.layered = layered;
    this.createSpecialFiles = createSpecialFiles;
    this.attributes = attributes;
    this.at = at;
    this.paths = new EntryPaths(root, at, this);
    this.handoff = new Handoff(root, at);
    this.files = new RegularFiles(attributes, handoff, at, this::replace);
  }

  EntryPaths paths() {
    return paths;
  }

  /** Before an archive or layer; {@code fresh} when nothing under the root predates this run. */
  void start(boolean fresh) {
    files.resetBytes();
    skipped = 0;
    handoff.start(fresh);
  }

  /** After an archive or layer, on failure too: no write may land after the caller cleans up. */
  void stop() {
    handoff.stop();
  }

  /** File bytes written since {@link #start}. */
  long bytes() {
    return files.bytes();
  }

  /** Device nodes and FIFOs left out since {@link #start}. */
  long skipped() {
    return skipped;
  }

  /**
   * Records that an entry is about to write {@code target}; returns whether something of this run
   * may be there already, which the writers then must finish first.
   */
  boolean claim(Path target) {
    return handoff.claim(target);
  }

  /** Waits until every file handed to the writers is on disk; rethrows their failure. */
  void drain() {
    handoff.drain();
  }

  /** Writes one entry at {@code target} ({@code relative} to the root). */
  void write(
      TarArchiveInputStream tar, TarArchiveEntry entry, Path relative, Path target, boolean known) {
    try {
      // Order matters: isFile() is also true for devices and FIFOs.
      if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
        special(entry, target);
      } else if (entry.isDirectory()) {
        directory(entry, target);
      } else if (entry.isSymbolicLink()) {
        symlink(entry, relative, target);
      } else if (entry.isLink()) {
        hardLink(entry, target);
      } else if (entry.isFile()) {
        files.write(tar, entry, target, known);
      } else {
        throw at.corrupt("unsupported entry type '" + (char) entry.getLinkFlag() + "'");
      }
    } catch (IOException e) {
      throw at.destination(target, e);
    }
  }

  /** Removes a file, symlink or whole tree (never following symlinks) and forgets it. */
  void removeTree(Path path) throws IOException {
    FileTrees.deleteTree(path);
    paths.forget(path);
    attributes.forget(path);
  }

  /** What is at {@code path} now, once a file of this name still on its way has landed. */
  @Override
  public EntryPaths.Kind kind(Path path) {
    handoff.settle(path);
    BasicFileAttributes a = lstat(path);
    if (a == null) {
      return EntryPaths.Kind.MISSING;
    }
    return a.isSymbolicLink()
        ? EntryPaths.Kind.SYMLINK
        : a.isDirectory() ? EntryPaths.Kind.DIRECTORY : EntryPaths.Kind.OTHER;
  }

  @Override
  public void createDirectory(Path dir) throws IOException {
    handoff.claim(dir);
    Files.createDirectory(dir);
  }

  private void directory(TarArchiveEntry entry, Path target) throws IOException {
    BasicFileAttributes existing = lstat(target);
    if (existing == null || !existing.isDirectory()) {
      removeExisting(target, existing);
      Files.createDirectory(target);
    }
    paths.verified(target);
    attributes.directory(entry, target);
  }

  private void symlink(TarArchiveEntry entry, Path relative, Path target) throws IOException {
    String linkName = entry.getLinkName();
    if (linkName.isEmpty()) {
      throw at.corrupt("symlink with an empty target");
    }
    EntryPaths.checkSymlinkTarget(relative, linkName, at);
    replace(target);
    Files.createSymbolicLink(target, Path.of(linkName));
    attributes.symlink(entry, target);
  }

  private void hardLink(TarArchiveEntry entry, Path target) throws IOException {
    Path linkRelative =
        EntryPaths.relative(entry.getLinkName(), "is a hard link to a path that has", at);
    Path existing = root.resolve(linkRelative);
    if (!existing.equals(root)) {
      paths.ensureRealDirectory(existing.getParent(), false);
    }
    BasicFileAttributes attributes = lstat(existing);
    if (attributes == null || attributes.isDirectory()) {
      throw at.unsafe(
          "is a hard link to '"
              + entry.getLinkName()
              + "', which is not a file unpacked before it");
    }
    if (existing.equals(target)) {
      return;
    }
    replace(target);
    Files.createLink(target, existing);
  }

  private void special(TarArchiveEntry entry, Path target) throws IOException {
    if (!createSpecialFiles) {
      skipped++;
      return;
    }
    replace(target);
    Mknod.make(entry, target);
    // mknod -m already set the exact mode. No mtime: the JDK opens the file to set it,
    // which blocks on a FIFO, and nobody reads a device node's mtime.
    attributes.chown(entry, target);
  }

  /** Removes what a later entry replaces (tar semantics: the last entry wins). */
  private void replace(Path target) throws IOException {
    removeExisting(target, lstat(target));
  }

  private void removeExisting(Path target, BasicFileAttributes existing) throws IOException {
    if (existing == null) {
      return;
    }
    if (existing.isDirectory() && layered) {
      // A layer may replace a lower layer's whole directory with a file or link.
      removeTree(target);
      return;
    }
    if (existing.isDirectory()) {
      if (!isEmptyDirectory(target)) {
        // GNU tar refuses this too: one archive cannot both fill a directory and replace it.
        throw at.corrupt(
            "it replaces the directory '"
                + root.relativize(target)
                + "' that earlier entries filled");
      }
      paths.forget(target);
      attributes.forget(target);
    }
    // Files.delete removes a symlink itself, never what it points to.
    Files.delete(target);
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    }
  }

  /** The attributes of {@code path} itself (a symlink is not followed), or null. */
  BasicFileAttributes lstat(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw at.destination(path, e);
    }
  }
}
