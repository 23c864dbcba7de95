package dev.mrt.image.tar;

import com.github.luben.zstd.ZstdOutputStream;
import dev.mrt.host.HostIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds small tar archives in memory, so hostile cases are readable in the test itself. */
public final class TarFixture {
  public static final FileTime MTIME = FileTime.from(Instant.parse("2023-11-14T22:13:20Z"));

  /** Rootless extraction under this process's real umask, which decides the chmods it skips. */
  public static TarExtractor.Options rootless() {
    return new TarExtractor.Options(false, false, HostIds.current().umask());
  }

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

  public TarFixture() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  public TarFixture dir(String name, int mode) {
    return add(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, mode), null);
  }

  public TarFixture file(String name, int mode, String content) {
    return add(entry(name, TarConstants.LF_NORMAL, mode), content.getBytes(StandardCharsets.UTF_8));
  }

  /** A file owned by {@code uid:gid} in the archive. */
  public TarFixture ownedFile(String name, int mode, long uid, long gid) {
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
    e.setUserId(uid);
    e.setGroupId(gid);
    return add(e, new byte[0]);
  }

  public TarFixture symlink(String name, String target) {
    TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
    e.setLinkName(target);
    return add(e, null);
  }

  public TarFixture hardLink(String name, String target) {
    TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0644);
    e.setLinkName(target);
    return add(e, null);
  }

  public TarFixture charDevice(String name, int major, int minor) {
    TarArchiveEntry e = entry(name, TarConstants.LF_CHR, 0666);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return add(e, null);
  }

  public TarFixture fifo(String name) {
    return add(entry(name, TarConstants.LF_FIFO, 0644), null);
  }

  /** The finished archive, uncompressed. */
  public byte[] tar() {
    try {
      tar.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static byte[] gzip(byte[] data) {
    return compress(data, out -> new GZIPOutputStream(out));
  }

  public static byte[] zstd(byte[] data) {
    return compress(data, out -> new ZstdOutputStream(out));
  }

  /** As the zstd command writes by default: the frame carries a checksum of the content. */
  public static byte[] zstdWithChecksum(byte[] data) {
    return compress(data, out -> new ZstdOutputStream(out).setChecksum(true));
  }

  private interface Wrapper {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private static byte[] compress(byte[] data, Wrapper wrapper) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressed = wrapper.wrap(out)) {
      compressed.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static TarArchiveEntry entry(String name, byte type, int mode) {
    // preserveAbsolutePath: hostile names must reach the archive unchanged.
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setMode(mode);
    e.setLastModifiedTime(MTIME);
    return e;
  }

  private TarFixture add(TarArchiveEntry e, byte[] content) {
    try {
      if (content != null) {
        e.setSize(content.length);
      }
      tar.putArchiveEntry(e);
      if (content != null) {
        tar.write(content);
      }
      tar.closeArchiveEntry();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return this;
  }
}
