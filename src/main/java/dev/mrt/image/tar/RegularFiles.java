package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Writes the content of regular file entries: a small file of a fresh root goes whole to a writer
 * thread through {@link Handoff}, any other is copied from the tar stream by the reader. Files are
 * created with {@code O_EXCL} and their mode, so the final component is never followed; counts the
 * bytes written.
 */
final class RegularFiles {
  /** Between the tar stream and a file: large, as reads of a big file come in its size. */
  private static final int COPY_BUFFER = 256 * 1024;

  private static final Set<StandardOpenOption> CREATE_NEW_FOR_WRITE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  /** Removes what an entry replaces; the entry writer knows what may be removed. */
  @FunctionalInterface
  interface Replace {
    void existing(Path target) throws IOException;
  }

  private final Attributes attributes;
  private final Handoff handoff;
  private final Cursor at;
  private final Replace replace;
  private final byte[] buffer = new byte[COPY_BUFFER];
  private final ByteBuffer direct = ByteBuffer.allocateDirect(COPY_BUFFER);
  private long bytes;

  RegularFiles(Attributes attributes, Handoff handoff, Cursor at, Replace replace) {
    this.attributes = attributes;
    this.handoff = handoff;
    this.at = at;
    this.replace = replace;
  }

  /**
   * The bytes a file holds unpacked. For a GNU or pax sparse file the header's size is only the
   * data stored in the archive; the stream gives the whole file, holes as zeros.
   */
  static long contentSize(TarArchiveEntry entry) {
    return entry.isSparse() ? entry.getRealSize() : entry.getSize();
  }

  /** File bytes written since the last {@link #resetBytes}. */
  long bytes() {
    return bytes;
  }

  void resetBytes() {
    bytes = 0;
  }

  /**
   * @param known something of this run may be at {@code target} already, so it is not handed off
   */
  void write(TarArchiveInputStream tar, TarArchiveEntry entry, Path target, boolean known)
      throws IOException {
    int mode = entry.getMode() & 07777;
    if (!known && handoff.takes(contentSize(entry))) {
      byte[] content = readAll(tar, (int) contentSize(entry));
      bytes += content.length;
      FileAttribute<?> permissions = attributes.permissionsFor(mode);
      Cursor here = at.copy();
      handoff.submit(
          content.length,
          () -> {
            try {
              try (FileChannel out = FileChannel.open(target, CREATE_NEW_FOR_WRITE, permissions)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                  out.write(b);
                }
              }
              attributes.finishFile(entry, target, mode);
            } catch (IOException e) {
              throw here.destination(target, e);
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
    attributes.finishFile(entry, target, mode);
  }

  /**
   * Creates a file with O_EXCL (which never follows a symlink) and, in the common case, its final
   * mode; only when something is already there is it looked at and replaced.
   */
  private FileChannel createNew(Path target, int mode) throws IOException {
    FileAttribute<?> permissions = attributes.permissionsFor(mode);
    try {
      return FileChannel.open(target, CREATE_NEW_FOR_WRITE, permissions);
    } catch (FileAlreadyExistsException e) {
      replace.existing(target);
      return FileChannel.open(target, CREATE_NEW_FOR_WRITE, permissions);
    }
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
      throw at.corrupt(e);
    }
  }

  private int read(TarArchiveInputStream tar) {
    try {
      return tar.read(buffer);
    } catch (IOException e) {
      throw at.corrupt(e);
    }
  }
}
