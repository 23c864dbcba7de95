package dev.mrt.image.tar;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/** How a tar stream is compressed, told apart by its first bytes rather than a file name. */
public enum Compression {
  NONE(new byte[0]),
  GZIP(new byte[] {0x1f, (byte) 0x8b}),
  ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});

  /** Formats we recognise only to name them in the error, instead of "not a tar". */
  private static final byte[] XZ = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};

  private static final byte[] BZIP2 = {'B', 'Z', 'h'};
  private static final int MAGIC_LENGTH = 6;

  private final byte[] magic;

  Compression(byte[] magic) {
    this.magic = magic;
  }

  /**
   * Looks at the first bytes of {@code in} without consuming them. {@code in} must support mark (a
   * {@link BufferedInputStream} does).
   */
  public static Compression detect(InputStream in) throws IOException {
    in.mark(MAGIC_LENGTH);
    byte[] head = in.readNBytes(MAGIC_LENGTH);
    in.reset();
    for (Compression c : new Compression[] {GZIP, ZSTD}) {
      if (startsWith(head, c.magic)) {
        return c;
      }
    }
    if (startsWith(head, XZ) || startsWith(head, BZIP2)) {
      throw new IOException("xz and bzip2 compression are not supported (only gzip and zstd)");
    }
    return NONE;
  }

  /**
   * Whether {@code in} starts with a zstd frame that carries zstd's content checksum (XXH64 of the
   * decoded bytes, RFC 8878 3.1.1.1.1: bit 2 of the frame header descriptor), which the decoder
   * checks at the frame's end. Looks without consuming; {@code in} must support mark.
   */
  public static boolean zstdWithChecksum(InputStream in) throws IOException {
    in.mark(5);
    byte[] head = in.readNBytes(5);
    in.reset();
    return head.length == 5 && startsWith(head, ZSTD.magic) && (head[4] & 0x04) != 0;
  }

  /** Wraps {@code in} in this decompressor; closing the result closes {@code in}. */
  public InputStream decompress(InputStream in, int bufferSize) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, bufferSize);
      // The zstd stream reads small frames: keep a large buffer between it and the tar parser.
      case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), bufferSize);
    };
  }

  private static boolean startsWith(byte[] head, byte[] prefix) {
    return head.length >= prefix.length
        && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
  }
}
