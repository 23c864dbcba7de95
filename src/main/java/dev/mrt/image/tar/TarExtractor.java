package dev.mrt.image.tar;

import dev.mrt.host.HostIds;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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
 * Modes (including setuid/setgid/sticky), mtimes, symlinks, hard links and, when asked, owners are
 * kept. Directory modes and mtimes are applied after all entries, because writing a child changes
 * its parent's mtime and a read-only directory cannot take children.
 */
public final class TarExtractor {

  /** Large buffers: the tar parser reads 512-byte records and zstd small frames. */
  static final int BUFFER_SIZE = 256 * 1024;

  /** 4 x 1 MiB of decompressed data in flight between the two threads. */
  private static final int READ_AHEAD_CHUNK = 1024 * 1024;

  private static final int READ_AHEAD_CHUNKS = 4;

  private static final Logger LOG = Logger.getLogger(TarExtractor.class);

  /**
   * @param createSpecialFiles create device nodes and FIFOs (needs root); otherwise skip them
   * @param preserveOwnership chown entries to their uid/gid (needs root); otherwise the unpacking
   *     user owns everything, which rootless containers map to root
   * @param umask the process umask ({@link HostIds#umask()}): files are created with their mode and
   *     a chmod follows only for bits it would drop; 0777 chmods every file
   */
  public record Options(
      boolean createSpecialFiles,
      boolean preserveOwnership,
      int umask,
      long maxBytes,
      long maxEntries) {
    /** Room for any real image; a decompression bomb stops here, checked as it streams. */
    public static final long MAX_BYTES = 8L << 30;

    public static final long MAX_ENTRIES = 2_000_000;

    public Options(boolean createSpecialFiles, boolean preserveOwnership, int umask) {
      this(createSpecialFiles, preserveOwnership, umask, MAX_BYTES, MAX_ENTRIES);
    }

    /** What the process can do: everything as root, neither rootless. */
    public static Options forHost(HostIds ids) {
      return new Options(ids.isRoot(), ids.isRoot(), ids.umask());
    }

    public Options withCaps(long bytes, long count) {
      return new Options(createSpecialFiles, preserveOwnership, umask, bytes, count);
    }
  }

  /** What one call unpacked; for logs and tests. */
  public record Summary(long entries, long bytes, long skippedSpecialFiles) {}

  private final Options options;

  public TarExtractor(Options options) {
    this.options = options;
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
   * Unpacks a (gzip, zstd or plain) tar stream into {@code destination}, which is created if
   * missing. Reads the decompressed stream to its end, so a zstd frame's checksum or a gzip
   * member's CRC is checked; the caller keeps ownership of {@code in} (and may read on, e.g. to
   * finish a digest).
   *
   * @param archiveName how to name the archive in errors
   */
  public Summary extract(InputStream in, String archiveName, Path destination) {
    Path root = realRoot(destination, archiveName);
    Run run = new Run(root, false, isEmpty(root, archiveName));
    Summary summary = run.unpack(decompressed(in, archiveName), archiveName);
    run.finish();
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
    Path root = realRoot(destination, "layers");
    return new Layers(new Run(root, true, isEmpty(root, "layers")));
  }

  /** Layers being applied into one root; not thread-safe: layers go on in order. */
  public static final class Layers {
    private final Run run;

    private Layers(Run run) {
      this.run = run;
    }

    /**
     * Applies one layer, an uncompressed tar: the caller decompresses, as it must see the plain
     * bytes anyway to check their digest (the diff_id). Reads {@code tar} to its end and leaves it
     * open.
     */
    public Summary apply(InputStream tar, String layerName) {
      return run.unpack(tar, layerName);
    }

    /** Sets directory modes and mtimes; call once after the last layer. */
    public void finish() {
      run.finish();
    }
  }

  static Path realRoot(Path destination, String archiveName) {
    try {
      Files.createDirectories(destination);
      return destination.toRealPath();
    } catch (IOException e) {
      throw new DestinationException(archiveName, "", destination.toString(), e);
    }
  }

  static boolean isEmpty(Path dir, String archiveName) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      throw new DestinationException(archiveName, "", dir.toString(), e);
    }
  }

  /** The tar inside {@code raw}, whichever compression its first bytes name. */
  private static InputStream decompressed(InputStream raw, String archiveName) {
    try {
      BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER_SIZE);
      return Compression.detect(buffered).decompress(buffered, BUFFER_SIZE);
    } catch (IOException e) {
      throw new Cursor(archiveName, null).corrupt(e);
    }
  }

  /**
   * The state of one extraction: the entry loop. Where entries may go is {@link EntryPaths}'s to
   * say, what they hide {@link Whiteouts}', how much they may take {@link UnpackCaps}', and writing
   * them {@link EntryWriter}'s.
   */
  private final class Run {
    private final Path root;
    private final boolean fresh;
    private final Cursor at = new Cursor(null, null);
    private final Attributes attributes;
    private final EntryWriter writer;

    /** Null for a plain archive, whose {@code .wh.} files are just files. */
    private final Whiteouts whiteouts;

    /** Over every layer of this run. */
    private final UnpackCaps caps;

    private long entries;

    Run(Path root, boolean layered, boolean fresh) {
      this.root = root;
      this.fresh = fresh;
      this.attributes = new Attributes(root, options.preserveOwnership(), options.umask());
      this.writer = new EntryWriter(root, layered, options.createSpecialFiles(), attributes, at);
      this.whiteouts = layered ? new Whiteouts(root, writer, at) : null;
      this.caps = new UnpackCaps(options.maxEntries(), options.maxBytes(), root, at);
    }

    /**
     * Unpacks one uncompressed tar. It is read on a second thread (decompressing, when the stream
     * does) so that reading overlaps with writing files; closing that joins the thread, so the
     * caller's stream is ours alone until we return.
     */
    Summary unpack(InputStream plain, String archiveName) {
      at.archive(archiveName);
      entries = 0;
      if (whiteouts != null) {
        whiteouts.startLayer();
      }
      writer.start(fresh);
      try (ReadAheadInputStream ahead =
          new ReadAheadInputStream(plain, READ_AHEAD_CHUNK, READ_AHEAD_CHUNKS)) {
        TarArchiveInputStream tar = new TarArchiveInputStream(ahead);
        TarArchiveEntry entry;
        while ((entry = next(tar)) != null) {
          at.entry(entry.getName());
          entries++;
          caps.check(entry);
          unpackEntry(tar, entry);
        }
        at.entry(null);
        // Read past the end marker to the end of the stream: only there do the decompressors
        // check what they decoded (zstd's content checksum, gzip's CRC-32).
        ahead.transferTo(OutputStream.nullOutputStream());
        writer.drain();
      } catch (IOException e) {
        throw at.corrupt(e);
      } finally {
        writer.stop();
      }
      at.entry(null);
      LOG.debugf(
          "unpacked %s: %d entries, %d bytes, %d special files skipped",
          at.archive(), entries, writer.bytes(), writer.skipped());
      return new Summary(entries, writer.bytes(), writer.skipped());
    }

    void finish() {
      attributes.applyToDirectories(at.archive());
    }

    private TarArchiveEntry next(TarArchiveInputStream tar) {
      try {
        return tar.getNextEntry();
      } catch (IOException | RuntimeException e) {
        // commons-compress reports some malformed headers as IllegalArgumentException.
        throw at.corrupt(e);
      }
    }

    private void unpackEntry(TarArchiveInputStream tar, TarArchiveEntry entry) {
      Path relative = EntryPaths.relative(entry.getName(), "has", at);
      Path target = root.resolve(relative);
      String base = relative.getFileName() == null ? "" : relative.getFileName().toString();
      if (whiteouts != null && Whiteouts.isWhiteout(base)) {
        writer.drain();
        whiteouts.apply(target.getParent(), base);
        return;
      }
      if (!target.equals(root)) {
        writer.paths().ensureRealDirectory(target.getParent(), true);
      }
      boolean known = writer.claim(target);
      if (known || entry.isLink()) {
        // It replaces a path, or links to a file: what the writers hold must be on disk first.
        writer.drain();
      }
      if (whiteouts != null) {
        whiteouts.written(target);
      }
      writer.write(tar, entry, relative, target, known);
    }
  }
}
