package dev.mrt.image.tar;

import dev.mrt.DaemonThreads;
import dev.mrt.MrtException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Unpacks a trusted archive, mrt's own embedded root filesystem, through the static helper's
 * libarchive ({@code mrt-handoff --unpack}, src/assets/handoff/unpack.c). A first use unpacks in a
 * JVM that has just started, where {@link TarExtractor} runs interpreted at about half tar's speed;
 * the helper is faster than tar. A zstd stream goes to it as it is: a second thread of the helper
 * decompresses (libzstd checks the frames' checksums) beside the one that writes files, as zstd
 * runs beside {@code tar -I zstd}. gzip is decompressed here and piped in plain.
 *
 * <p>The same rules hold as for {@link TarExtractor} where they matter for a root filesystem: no
 * absolute or {@code ..} names, no path through a symlink, modes with setuid/setgid/sticky, mtimes,
 * owners chowned as root and recorded in their xattr ({@link OwnerXattrs}) otherwise, devices and
 * FIFOs only when they can be made. What it does not do, and why it serves trusted archives only:
 * OCI whiteouts, size caps, and refusing relative symlink targets that climb above the root.
 */
public final class NativeTarExtractor {
  private static final int CHUNK = 1024 * 1024;

  private final Path helper;
  private final TarExtractor.Options options;

  /** {@code helper}: an executable mrt-handoff built with unpack.c. */
  public NativeTarExtractor(Path helper, TarExtractor.Options options) {
    this.helper = helper;
    this.options = options;
  }

  /**
   * Unpacks a (gzip, zstd or plain) tar stream into {@code destination}, created if missing and
   * empty. Reads {@code in} to its end, so its checksum is checked, and leaves it open. The helper
   * has exited when this returns or throws, so a caller may remove what it left. Fails as {@link
   * TarExtractor} does, with an {@link ArchiveException}; with a plain {@link MrtException} when
   * the helper cannot run.
   */
  public TarExtractor.Summary extract(InputStream in, String archiveName, Path destination) {
    Path root = TarExtractor.realRoot(destination, archiveName);
    if (!TarExtractor.isEmpty(root, archiveName)) {
      throw new DestinationException(
          archiveName, "", root.toString(), new IOException("not an empty directory"));
    }
    Input input = Input.of(in, archiveName);
    Process process = start(root, input.zstd(), archiveName);
    Pump pump = new Pump(input.tar(), process.getOutputStream());
    Thread pumping = DaemonThreads.start("mrt-unpack-pipe", pump);
    try {
      Outcome outcome = new Outcome(root, archiveName);
      try (InputStream records = new BufferedInputStream(process.getInputStream())) {
        for (List<String> record; (record = next(records)) != null && outcome.take(record); ) {
          // Owner records are applied as they come; the last says how it ended.
        }
      }
      pumping.join();
      int status = process.waitFor();
      if (pump.readFailure != null) {
        // The stream itself is damaged: whatever the helper made of a cut-off tar is moot.
        throw new Cursor(archiveName, null).corrupt(pump.readFailure);
      }
      return outcome.result(status, stderr(process));
    } catch (IOException e) {
      throw new MrtException("cannot talk to the unpack helper " + helper + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MrtException("interrupted while unpacking " + archiveName, e);
    } finally {
      // On failure nothing may still write into, or read for, what the caller removes next.
      pump.stop = true;
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      joinQuietly(pumping, process);
    }
  }

  /** What the helper reads: a zstd stream as it is (its own thread decodes it), others plain. */
  private record Input(InputStream tar, boolean zstd) {
    static Input of(InputStream in, String archiveName) {
      try {
        BufferedInputStream buffered = new BufferedInputStream(in, TarExtractor.BUFFER_SIZE);
        Compression compression = Compression.detect(buffered);
        return compression == Compression.ZSTD
            ? new Input(buffered, true)
            : new Input(compression.decompress(buffered, TarExtractor.BUFFER_SIZE), false);
      } catch (IOException e) {
        throw new Cursor(archiveName, null).corrupt(e);
      }
    }
  }

  private Process start(Path root, boolean zstd, String archiveName) {
    List<String> command = new ArrayList<>(List.of(helper.toString(), "--unpack"));
    if (zstd) {
      command.add("--zstd");
    }
    if (options.preserveOwnership()) {
      command.add("--owners");
    }
    if (options.createSpecialFiles()) {
      command.add("--special-files");
    }
    command.add(root.toString());
    try {
      return new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new MrtException(
          "cannot start the unpack helper " + helper + " for " + archiveName + ": " + e, e);
    }
  }

  /** Copies the tar into the helper's stdin; reads to the end even when it stops early. */
  private static final class Pump implements Runnable {
    private final InputStream plain;
    private final OutputStream helperIn;
    private volatile IOException readFailure;
    private volatile boolean stop;

    Pump(InputStream plain, OutputStream helperIn) {
      this.plain = plain;
      this.helperIn = helperIn;
    }

    @Override
    public void run() {
      byte[] chunk = new byte[CHUNK];
      boolean writing = true;
      try {
        for (int n; !stop && (n = plain.read(chunk)) >= 0; ) {
          if (writing) {
            try {
              helperIn.write(chunk, 0, n);
            } catch (IOException helperStopped) {
              // Done (tar's zero padding follows its end) or failed: its record says which.
              writing = false;
            }
          }
        }
      } catch (IOException e) {
        readFailure = e;
      } finally {
        try {
          helperIn.close();
        } catch (IOException ignored) {
          // The helper has gone; its record or status says why.
        }
      }
    }
  }

  /** What the helper's records say, applied as they come. */
  private static final class Outcome {
    private final Path root;
    private final String archive;
    private final OwnerXattrs owners;
    private List<String> last;

    Outcome(Path root, String archive) {
      this.root = root;
      this.archive = archive;
      this.owners = new OwnerXattrs(root);
    }

    /** Takes one record; false once it was the last. */
    boolean take(List<String> record) {
      if (record.get(0).equals("owner") && record.size() == 4) {
        owners.record(
            Long.parseLong(record.get(1)),
            Long.parseLong(record.get(2)),
            root.resolve(record.get(3)).normalize());
        return true;
      }
      last = record;
      return false;
    }

    TarExtractor.Summary result(int status, String stderr) {
      if (last != null && last.get(0).equals("done") && last.size() == 4 && status == 0) {
        return new TarExtractor.Summary(
            Long.parseLong(last.get(1)), Long.parseLong(last.get(2)), Long.parseLong(last.get(3)));
      }
      if (last != null && last.get(0).equals("error") && last.size() == 4) {
        String entry = last.get(2).isEmpty() ? null : last.get(2);
        String message = last.get(3);
        throw switch (last.get(1)) {
          case "unsafe" -> new UnsafeEntryException(archive, entry, message);
          case "corrupt" -> new CorruptArchiveException(archive, entry, message, null);
          default ->
              new DestinationException(
                  archive,
                  entry,
                  entry == null ? root.toString() : root.resolve(entry).normalize().toString(),
                  new IOException(message));
        };
      }
      throw new MrtException(
          "the unpack helper stopped with status "
              + status
              + " unpacking "
              + archive
              + (stderr.isBlank() ? "" : ": " + stderr.strip())
              + "; run `mrt doctor`");
    }
  }

  /** One NUL-terminated, tab-separated record; null at the end of the stream. */
  private static List<String> next(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    for (int b; (b = in.read()) != 0; ) {
      if (b < 0) {
        return null;
      }
      bytes.write(b);
    }
    return List.of(bytes.toString(StandardCharsets.UTF_8).split("\t", 4));
  }

  private static String stderr(Process process) throws IOException {
    try (InputStream err = process.getErrorStream()) {
      return new String(err.readNBytes(4096), StandardCharsets.UTF_8);
    }
  }

  private static void joinQuietly(Thread pumping, Process process) {
    try {
      pumping.join();
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
