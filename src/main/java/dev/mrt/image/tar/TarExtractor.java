package dev.mrt.image.tar;

import dev.mrt.runtime.HostIds;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jboss.logging.Logger;

/**
 * Unpacks a (gzip, zstd or plain) tar stream into a directory without ever writing outside it.
 *
 * <p>The rules, and why:
 *
 * <ul>
 *   <li>Entry names that are absolute or contain {@code ..} are refused, not rewritten: an image
 *       that tries this is hostile or broken either way.
 *   <li>No path component of an entry may be a symlink on disk: following one would let a later
 *       entry write anywhere on the host. Parent directories are checked with lstat and files are
 *       created with {@code O_EXCL}, so the final component is never followed either.
 *   <li>Absolute symlink targets ({@code /usr/bin/python3.11}) are normal in root filesystems and
 *       are kept: inside the container they resolve within the rootfs. Relative targets that climb
 *       above the root are refused, because nothing in the rootfs can give them a meaning.
 *   <li>Hard links must name an entry already unpacked inside the destination.
 *   <li>Device nodes and FIFOs are created only with {@link Options#createSpecialFiles()}; a
 *       rootless process cannot make them, and runc provides /dev in the container anyway.
 * </ul>
 *
 * Modes (including setuid/setgid/sticky), mtimes, symlinks, hard links and, when asked, owners
 * are kept. Directory modes and mtimes are applied after all entries, because writing a child
 * changes its parent's mtime and a read-only directory cannot take children.
 */
public final class TarExtractor {

  /** Large buffers: the tar parser reads 512-byte records and zstd small frames. */
  static final int BUFFER_SIZE = 256 * 1024;

  /** 4 x 1 MiB of decompressed data in flight between the two threads. */
  private static final int READ_AHEAD_CHUNK = 1024 * 1024;

  private static final int READ_AHEAD_CHUNKS = 4;

  private static final Logger LOG = Logger.getLogger(TarExtractor.class);
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /**
   * @param createSpecialFiles create device nodes and FIFOs (needs root); otherwise skip them
   * @param preserveOwnership chown entries to their uid/gid (needs root); otherwise the unpacking
   *     user owns everything, which rootless containers map to root
   */
  public record Options(boolean createSpecialFiles, boolean preserveOwnership, long maxBytes,
      long maxEntries) {
    /** Room for any real image; a decompression bomb stops here, checked as it streams. */
    public static final long MAX_BYTES = 8L << 30;
    public static final long MAX_ENTRIES = 2_000_000;

    public Options(boolean createSpecialFiles, boolean preserveOwnership) {
      this(createSpecialFiles, preserveOwnership, MAX_BYTES, MAX_ENTRIES);
    }

    /** What the process can do: everything as root, neither rootless. */
    public static Options forHost(HostIds ids) {
      return new Options(ids.isRoot(), ids.isRoot());
    }

    public Options withCaps(long bytes, long count) {
      return new Options(createSpecialFiles, preserveOwnership, bytes, count);
    }
  }

  /** Files at least this large are checked against the free space before they are written. */
  private static final long CHECK_SPACE_ABOVE = 16L << 20;
  /** Left free whatever an image wants: the cache shares its disk with everything else. */
  private static final long SPACE_RESERVE = 256L << 20;

  /** What one call unpacked; for logs and tests. */
  public record Summary(long entries, long bytes, long skippedSpecialFiles) {}

  private static final Set<StandardOpenOption> CREATE_NEW_FOR_WRITE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  private final Options options;
  /** Files are created with their mode; a chmod follows only for bits the umask would drop. */
  private final int umask;

  public TarExtractor(Options options) {
    this.options = options;
    this.umask = HostIds.umask();
  }

  /** Unpacks the archive file into {@code destination}, which is created if missing. */
  public Summary extract(Path archive, Path destination) {
    try (InputStream in = Files.newInputStream(archive)) {
      return extract(in, archive.toString(), destination);
    } catch (IOException e) {
      throw new CorruptArchiveException(archive.toString(), null, "cannot read it: " + e, e);
    }
  }

  /**
   * Unpacks a tar stream into {@code destination}, which is created if missing. Reads up to the
   * tar end-of-archive marker; the caller keeps ownership of {@code in} (and may read on, e.g. to
   * finish a digest).
   *
   * @param archiveName how to name the archive in errors
   */
  public Summary extract(InputStream in, String archiveName, Path destination) {
    Path root;
    try {
      Files.createDirectories(destination);
      root = destination.toRealPath();
    } catch (IOException e) {
      throw new DestinationException(archiveName, "", destination.toString(), e);
    }
    Run run = new Run(root, false, isEmpty(root, archiveName));
    Summary summary = run.unpack(in, archiveName);
    run.applyDirectoryAttributes();
    return summary;
  }

  /**
   * Starts applying image layers, in order, into {@code destination} (created if missing). Layers
   * differ from a plain archive in two ways: OCI whiteouts ({@code .wh.NAME} removes NAME from
   * lower layers, {@code .wh..wh..opq} empties its directory of them) are applied instead of
   * unpacked, and an entry may replace a whole directory tree of a lower layer. Directory modes
   * wait for {@link Layers#finish()}, so a read-only directory of one layer still takes the
   * children of the next.
   */
  public Layers layers(Path destination) {
    try {
      Files.createDirectories(destination);
      Path root = destination.toRealPath();
      return new Layers(new Run(root, true, isEmpty(root, "layers")));
    } catch (IOException e) {
      throw new DestinationException("layers", "", destination.toString(), e);
    }
  }

  /** Layers being applied into one root; not thread-safe: layers go on in order. */
  public static final class Layers {
    private final Run run;

    private Layers(Run run) {
      this.run = run;
    }

    /**
     * Applies one uncompressed or compressed layer; reads up to the tar end marker and leaves
     * {@code in} open.
     */
    public Summary apply(InputStream in, String layerName) {
      return run.unpack(in, layerName);
    }

    /** Sets directory modes and mtimes; call once after the last layer. */
    public void finish() {
      run.applyDirectoryAttributes();
    }
  }

  private static boolean isEmpty(Path dir, String archiveName) {
    try (java.util.stream.Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      throw new DestinationException(archiveName, "", dir.toString(), e);
    }
  }

  /** The state of one extraction. */
  private final class Run {
    /** The OCI whiteout prefix and the opaque-directory marker (image-spec layer.md). */
    private static final String WHITEOUT = ".wh.";

    private static final String OPAQUE = ".wh..wh..opq";

    private String archive;
    private final Path root;
    private final boolean layered;
    /** Paths this layer wrote: an opaque whiteout hides lower layers only, never them. */
    private final Set<Path> writtenThisLayer = new HashSet<>();
    /** Directories known to be real directories (not symlinks) under root: saves lstat calls. */
    private final Set<Path> verifiedDirs = new HashSet<>();
    /**
     * Every path this run made or was asked to make. When the root started empty ({@code fresh}),
     * a path not in here does not exist, so a file for it can be made on a writer thread without
     * looking first; anything else (a replacement, a link, a removal) waits for the writers.
     */
    private final Set<Path> created = new HashSet<>();
    private final boolean fresh;
    /** Writer threads while a fresh archive is being read; null otherwise. */
    private FileWriters writers;

    /** By path: a later layer's entry for the same directory replaces the earlier one. */
    private final java.util.Map<Path, DeferredDir> dirs = new java.util.LinkedHashMap<>();
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final java.util.Map<Integer, FileAttribute<?>> permissionsByMode =
        new java.util.HashMap<>();
    private volatile boolean ownerXattrSupported = true;
    private final ByteBuffer direct = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private String entryName;
    private long entries;
    private long bytes;
    private long skipped;
    /** Over every layer of this run, for the caps. */
    private long totalEntries;
    private long totalDeclared;

    Run(Path root, boolean layered, boolean fresh) {
      this.root = root;
      this.layered = layered;
      this.fresh = fresh;
      verifiedDirs.add(root);
      created.add(root);
    }

    Summary unpack(InputStream raw, String archiveName) {
      archive = archiveName;
      entries = 0;
      bytes = 0;
      skipped = 0;
      writtenThisLayer.clear();
      writers = fresh ? FileWriters.forHost() : null;
      try (ReadAheadInputStream decompressed = decompress(raw)) {
        TarArchiveInputStream tar = new TarArchiveInputStream(decompressed);
        TarArchiveEntry entry;
        while ((entry = next(tar)) != null) {
          entryName = entry.getName();
          entries++;
          checkCaps(entry);
          unpackEntry(tar, entry);
        }
        entryName = null;
        drainWrites();
      } catch (IOException e) {
        throw corrupt(e);
      } finally {
        // On failure too: no write may land after we return and the caller cleans up.
        if (writers != null) {
          writers.close();
          writers = null;
        }
      }
      entryName = null;
      LOG.debugf(
          "unpacked %s: %d entries, %d bytes, %d special files skipped",
          archive, entries, bytes, skipped);
      return new Summary(entries, bytes, skipped);
    }

    /**
     * Decompresses on a second thread so that it overlaps with writing files. Closing it joins
     * that thread, so the caller's stream is ours alone until we return.
     */
    private ReadAheadInputStream decompress(InputStream raw) {
      try {
        BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER_SIZE);
        InputStream plain = Compression.detect(buffered).decompress(buffered, BUFFER_SIZE);
        return new ReadAheadInputStream(plain, READ_AHEAD_CHUNK, READ_AHEAD_CHUNKS);
      } catch (IOException e) {
        throw corrupt(e);
      }
    }

    /**
     * Before an entry is written: the caps (over every layer of the image so far, by the sizes
     * the headers declare) and, for a large file, the disk's free space.
     */
    private void checkCaps(TarArchiveEntry entry) throws IOException {
      totalEntries++;
      long size = entry.isFile() ? Math.max(0, contentSize(entry)) : 0;
      totalDeclared += size;
      if (totalEntries > options.maxEntries()) {
        throw new UnpackLimitException(archive, entryName, "the image has more than "
            + options.maxEntries() + " entries; raise mrt.images.max-entries if it is genuine");
      }
      if (totalDeclared > options.maxBytes()) {
        throw new UnpackLimitException(archive, entryName, "its files would pass "
            + options.maxBytes() + " bytes unpacked (this entry alone declares " + size
            + "); raise mrt.images.max-unpacked-size if the image is genuine");
      }
      if (size >= CHECK_SPACE_ABOVE) {
        long free = Files.getFileStore(root).getUsableSpace();
        if (free - SPACE_RESERVE < size) {
          throw new UnpackLimitException(archive, entryName, "it declares " + size
              + " bytes and " + root + " has " + free + " free (" + SPACE_RESERVE
              + " kept in reserve); free space there or move mrt.cache-dir");
        }
      }
    }

    private TarArchiveEntry next(TarArchiveInputStream tar) {
      try {
        return tar.getNextEntry();
      } catch (IOException | RuntimeException e) {
        // commons-compress reports some malformed headers as IllegalArgumentException.
        throw corrupt(e);
      }
    }

    private void unpackEntry(TarArchiveInputStream tar, TarArchiveEntry entry) {
      Path relative = relativePath(entry.getName(), "has");
      Path target = root.resolve(relative);
      String base = relative.getFileName() == null ? "" : relative.getFileName().toString();
      if (layered && base.startsWith(WHITEOUT)) {
        drainWrites();
        whiteout(target.getParent(), base);
        return;
      }
      if (!target.equals(root)) {
        ensureRealDirectory(target.getParent(), true);
      }
      boolean known = !created.add(target);
      if (known || entry.isLink()) {
        // It replaces a path, or links to a file: what the writers hold must be on disk first.
        drainWrites();
      }
      writtenThisLayer.add(target);
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
          regularFile(tar, entry, target, known);
        } else {
          throw new CorruptArchiveException(
              archive, entryName, "unsupported entry type '" + (char) entry.getLinkFlag() + "'", null);
        }
      } catch (IOException e) {
        throw new DestinationException(archive, entryName, target.toString(), e);
      }
    }

    /**
     * Applies a whiteout in {@code dir}. Its parents are checked like any entry's, so a whiteout
     * can never delete through a symlink; a directory that does not exist has nothing to hide.
     */
    private void whiteout(Path dir, String base) {
      if (!dir.equals(root) && lstat(dir) == null) {
        return;
      }
      ensureRealDirectory(dir, false);
      try {
        if (base.equals(OPAQUE)) {
          try (java.util.stream.Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children::iterator) {
              if (!writtenThisLayer.contains(child)) {
                removeTree(child);
              }
            }
          }
        } else {
          String name = base.substring(WHITEOUT.length());
          if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            throw unsafe("is a whiteout of '" + name + "', which is not a name in its directory");
          }
          removeTree(dir.resolve(name));
        }
      } catch (IOException e) {
        throw new DestinationException(archive, entryName, dir.toString(), e);
      }
    }

    /** Removes a file, symlink or whole tree (never following symlinks) and forgets it. */
    private void removeTree(Path path) throws IOException {
      dev.mrt.image.store.PreparedDirectory.deleteTree(path);
      verifiedDirs.removeIf(p -> p.startsWith(path));
      dirs.keySet().removeIf(p -> p.startsWith(path));
    }

    private void directory(TarArchiveEntry entry, Path target) throws IOException {
      BasicFileAttributes existing = lstat(target);
      if (existing == null || !existing.isDirectory()) {
        removeExisting(target, existing);
        Files.createDirectory(target);
      }
      verifiedDirs.add(target);
      chown(entry, target);
      recordOwner(entry, target);
      dirs.put(target, new DeferredDir(target, entry.getMode(), entry.getLastModifiedTime()));
    }

    private void symlink(TarArchiveEntry entry, Path relative, Path target) throws IOException {
      String linkName = entry.getLinkName();
      if (linkName.isEmpty()) {
        throw new CorruptArchiveException(archive, entryName, "symlink with an empty target", null);
      }
      if (!linkName.startsWith("/")) {
        Path parent = relative.getParent();
        Path resolved = (parent == null ? Path.of(linkName) : parent.resolve(linkName)).normalize();
        if (resolved.startsWith("..")) {
          throw unsafe("is a symlink to '" + linkName + "', which points outside the root");
        }
      }
      replace(target);
      Files.createSymbolicLink(target, Path.of(linkName));
      chown(entry, target);
      try {
        setMtime(target, entry.getLastModifiedTime());
      } catch (IOException e) {
        // Some file systems cannot time-stamp a symlink; its mtime matters to nobody.
        LOG.tracef("cannot set the mtime of symlink %s: %s", target, e);
      }
    }

    private void hardLink(TarArchiveEntry entry, Path target) throws IOException {
      Path linkRelative = relativePath(entry.getLinkName(), "is a hard link to a path that has");
      Path existing = root.resolve(linkRelative);
      if (!existing.equals(root)) {
        ensureRealDirectory(existing.getParent(), false);
      }
      BasicFileAttributes attributes = lstat(existing);
      if (attributes == null || attributes.isDirectory()) {
        throw unsafe(
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

    /**
     * The bytes a file holds unpacked. For a GNU or pax sparse file the header's size is only
     * the data stored in the archive; the stream gives the whole file, holes as zeros.
     */
    private static long contentSize(TarArchiveEntry entry) {
      return entry.isSparse() ? entry.getRealSize() : entry.getSize();
    }

    private void regularFile(TarArchiveInputStream tar, TarArchiveEntry entry, Path target,
        boolean known) throws IOException {
      int mode = entry.getMode() & 07777;
      if (writers != null && !known && contentSize(entry) <= FileWriters.MAX_FILE) {
        byte[] content = readAll(tar, (int) contentSize(entry));
        bytes += content.length;
        FileAttribute<?> permissions = permissionsFor(mode);
        String name = entryName;
        String archiveName = archive;
        submitWrite(content.length, () -> {
          try {
            try (FileChannel out =
                FileChannel.open(target, CREATE_NEW_FOR_WRITE, permissions)) {
              ByteBuffer b = ByteBuffer.wrap(content);
              while (b.hasRemaining()) {
                out.write(b);
              }
            }
            finishFile(entry, target, mode);
          } catch (IOException e) {
            throw new DestinationException(archiveName, name, target.toString(), e);
          }
        });
        return;
      }
      try (FileChannel out = createNew(target, mode)) {
        int n;
        while ((n = read(tar)) > 0) {
          direct.clear();
          direct.put(buffer, 0, n).flip();
          while (direct.hasRemaining()) {
            out.write(direct);
          }
          bytes += n;
        }
      }
      finishFile(entry, target, mode);
    }

    /** Owner, mode and mtime of a file just written; safe on a writer thread. */
    private void finishFile(TarArchiveEntry entry, Path target, int mode) throws IOException {
      // chown before chmod: chown clears setuid/setgid bits.
      chown(entry, target);
      if ((mode & 07000) != 0 || (mode & umask) != 0) {
        chmod(target, mode);
      }
      recordOwner(entry, target);
      // We just made it with O_EXCL under verified directories: following it is safe, and
      // setting both times spares the JDK an lstat and an fstat per file.
      FileTime mtime = entry.getLastModifiedTime();
      Files.getFileAttributeView(target, BasicFileAttributeView.class).setTimes(mtime, mtime, null);
    }

    private FileAttribute<?> permissionsFor(int mode) {
      return permissionsByMode.computeIfAbsent(mode & 0777,
          m -> PosixFilePermissions.asFileAttribute(permissions(m)));
    }

    private void submitWrite(int size, FileWriters.Write write) {
      withWriters(() -> writers.submit(size, write));
    }

    /** Waits until every file handed to the writers is on disk; rethrows their failure. */
    private void drainWrites() {
      if (writers != null) {
        withWriters(writers::drain);
      }
    }

    /** Runs a writers call; what it throws becomes this archive's destination error. */
    private void withWriters(FileWriters.Write call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new DestinationException(archive, entryName, root.toString(),
            e instanceof IOException io ? io : new IOException(
                e instanceof InterruptedException ? "interrupted while unpacking" : e.toString(), e));
      }
    }

    /**
     * Creates a file with O_EXCL (which never follows a symlink) and, in the common case, its
     * final mode; only when something is already there is it looked at and replaced.
     */
    private FileChannel createNew(Path target, int mode) throws IOException {
      FileAttribute<?> permissions = permissionsFor(mode);
      try {
        return FileChannel.open(target, CREATE_NEW_FOR_WRITE, permissions);
      } catch (FileAlreadyExistsException e) {
        replace(target);
        return FileChannel.open(target, CREATE_NEW_FOR_WRITE, permissions);
      }
    }

    /**
     * Rootless, files are owned by the unpacking user; the owner the image wanted is kept in the
     * {@code user.rootlesscontainers} xattr (as umoci does) where the file system allows. Symlinks
     * cannot carry user xattrs on Linux.
     */
    private void recordOwner(TarArchiveEntry entry, Path target) {
      if (options.preserveOwnership() || !ownerXattrSupported) {
        return;
      }
      RootlessOwner.of(entry.getLongUserId(), entry.getLongGroupId()).ifPresent(owner -> {
        try {
          Files.getFileAttributeView(target, UserDefinedFileAttributeView.class, NOFOLLOW)
              .write(RootlessOwner.XATTR, ByteBuffer.wrap(owner.encode()));
        } catch (IOException | UnsupportedOperationException e) {
          ownerXattrSupported = false;
          LOG.debugf("not recording image owners in %s: %s", root, e);
        }
      });
    }

    /** The whole content of the current entry; a short read is a truncated archive. */
    private byte[] readAll(TarArchiveInputStream tar, int size) {
      try {
        byte[] content = tar.readNBytes(size);
        if (content.length != size) {
          throw new IOException("the archive ends inside this file");
        }
        return content;
      } catch (IOException e) {
        throw corrupt(e);
      }
    }

    private int read(TarArchiveInputStream tar) {
      try {
        return tar.read(buffer);
      } catch (IOException e) {
        throw corrupt(e);
      }
    }

    private void special(TarArchiveEntry entry, Path target) throws IOException {
      if (!options.createSpecialFiles()) {
        skipped++;
        return;
      }
      replace(target);
      List<String> command = new ArrayList<>(List.of("mknod", "-m", octal(entry.getMode()), target.toString()));
      if (entry.isFIFO()) {
        command.add("p");
      } else {
        command.add(entry.isCharacterDevice() ? "c" : "b");
        command.add(Integer.toString(entry.getDevMajor()));
        command.add(Integer.toString(entry.getDevMinor()));
      }
      // The JDK has no mknod; archives hold a handful of device nodes at most (rootfs /dev).
      Process mknod = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(mknod.getInputStream().readAllBytes()).trim();
      try {
        if (mknod.waitFor() != 0) {
          throw new IOException("mknod failed: " + output);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running mknod", e);
      }
      // mknod -m already set the exact mode. No mtime: the JDK opens the file to set it,
      // which blocks on a FIFO, and nobody reads a device node's mtime.
      chown(entry, target);
    }

    /**
     * Makes sure {@code dir} and all its parents up to the root are real directories, never
     * symlinks; creates missing ones (mode 0755) when {@code create}.
     */
    private void ensureRealDirectory(Path dir, boolean create) {
      if (verifiedDirs.contains(dir)) {
        return;
      }
      Path relative = root.relativize(dir);
      Path current = root;
      for (Path component : relative) {
        current = current.resolve(component);
        if (verifiedDirs.contains(current)) {
          continue;
        }
        if (writers != null && created.contains(current)) {
          drainWrites(); // a file of this name may still be on its way: look at what it is
        }
        BasicFileAttributes attributes = lstat(current);
        if (attributes == null && create) {
          try {
            created.add(current);
            Files.createDirectory(current);
          } catch (IOException e) {
            throw new DestinationException(archive, entryName, current.toString(), e);
          }
        } else if (attributes == null) {
          throw unsafe("refers to '" + root.relativize(current) + "', which was not unpacked before it");
        } else if (attributes.isSymbolicLink()) {
          throw unsafe("would be written through the symlink '" + root.relativize(current) + "'");
        } else if (!attributes.isDirectory()) {
          throw unsafe("has a parent '" + root.relativize(current) + "' that is not a directory");
        }
        verifiedDirs.add(current);
      }
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
          throw new CorruptArchiveException(archive, entryName, "it replaces the directory '"
              + root.relativize(target) + "' that earlier entries filled", null);
        }
        verifiedDirs.remove(target);
        dirs.remove(target);
      }
      // Files.delete removes a symlink itself, never what it points to.
      Files.delete(target);
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        return !entries.iterator().hasNext();
      }
    }

    private BasicFileAttributes lstat(Path path) {
      try {
        return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
      } catch (NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw new DestinationException(archive, entryName, path.toString(), e);
      }
    }

    private void chown(TarArchiveEntry entry, Path target) throws IOException {
      if (options.preserveOwnership()) {
        Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
        Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
      }
    }

    private void applyDirectoryAttributes() {
      // Deepest first, so that setting a parent's mtime is the last change to it.
      List<DeferredDir> dirs = new ArrayList<>(this.dirs.values());
      dirs.sort(Comparator.comparingInt((DeferredDir d) -> d.path().getNameCount()).reversed());
      for (DeferredDir dir : dirs) {
        try {
          chmod(dir.path(), dir.mode());
          setMtime(dir.path(), dir.mtime());
        } catch (IOException e) {
          throw new DestinationException(archive, root.relativize(dir.path()).toString(), dir.path().toString(), e);
        }
      }
    }

    /** Checks an entry name and returns it relative to the root ("" for the root itself). */
    private Path relativePath(String name, String problem) {
      if (name.startsWith("/")) {
        throw unsafe(problem + " an absolute path");
      }
      StringBuilder clean = new StringBuilder(name.length());
      for (String part : name.split("/")) {
        if (part.isEmpty() || part.equals(".")) {
          continue;
        }
        if (part.equals("..")) {
          throw unsafe(problem + " a '..' component");
        }
        if (clean.length() > 0) {
          clean.append('/');
        }
        clean.append(part);
      }
      return Path.of(clean.toString());
    }

    private UnsafeEntryException unsafe(String reason) {
      return new UnsafeEntryException(archive, entryName, reason);
    }

    private CorruptArchiveException corrupt(Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      return new CorruptArchiveException(archive, entryName, reason, e);
    }
  }

  private static void chmod(Path path, int mode) throws IOException {
    // The "unix" view carries setuid/setgid/sticky; PosixFilePermission cannot.
    Files.setAttribute(path, "unix:mode", mode & 07777);
  }

  private static void setMtime(Path path, FileTime mtime) throws IOException {
    Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW)
        .setTimes(mtime, null, null);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ (0400) first
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  private static String octal(int mode) {
    return Integer.toOctalString(mode & 07777);
  }

  private record DeferredDir(Path path, int mode, FileTime mtime) {}
}
