package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * What one extraction may take, checked before each entry is written: the entry and byte caps over
 * every layer of the image so far (by the sizes the headers declare, so a decompression bomb stops
 * as it streams) and, for a large file, the disk's free space.
 */
final class UnpackCaps {
  /** Files at least this large are checked against the free space before they are written. */
  private static final long CHECK_SPACE_ABOVE = 16L << 20;

  /** Left free whatever an image wants: the cache shares its disk with everything else. */
  private static final long SPACE_RESERVE = 256L << 20;

  private final long maxEntries;
  private final long maxBytes;
  private final Path root;
  private final Cursor at;

  private long totalEntries;
  private long totalDeclared;

  UnpackCaps(long maxEntries, long maxBytes, Path root, Cursor at) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.root = root;
    this.at = at;
  }

  /**
   * @throws UnpackLimitException when this entry passes a cap or would not fit on the disk
   */
  void check(TarArchiveEntry entry) throws IOException {
    totalEntries++;
    long size = entry.isFile() ? Math.max(0, RegularFiles.contentSize(entry)) : 0;
    totalDeclared += size;
    if (totalEntries > maxEntries) {
      throw new UnpackLimitException(
          at.archive(),
          at.entry(),
          "the image has more than "
              + maxEntries
              + " entries; raise mrt.images.max-entries if it is genuine");
    }
    if (totalDeclared > maxBytes) {
      throw new UnpackLimitException(
          at.archive(),
          at.entry(),
          "its files would pass "
              + maxBytes
              + " bytes unpacked (this entry alone declares "
              + size
              + "); raise mrt.images.max-unpacked-size if the image is genuine");
    }
    if (size >= CHECK_SPACE_ABOVE) {
      long free = Files.getFileStore(root).getUsableSpace();
      if (free - SPACE_RESERVE < size) {
        throw new UnpackLimitException(
            at.archive(),
            at.entry(),
            "it declares "
                + size
                + " bytes and "
                + root
                + " has "
                + free
                + " free ("
                + SPACE_RESERVE
                + " kept in reserve); free space there or move mrt.cache-dir");
      }
    }
  }
}
