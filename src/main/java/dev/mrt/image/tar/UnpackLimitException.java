package dev.mrt.image.tar;

/**
 * Unpacking stopped before the image could fill the disk: it would pass the configured size or
 * entry cap, or an entry is larger than the free space left. Nothing of it is kept.
 */
public final class UnpackLimitException extends ArchiveException {
  UnpackLimitException(String archive, String entry, String reason) {
    super(
        archive,
        entry,
        "refusing to unpack " + archive + " at entry '" + entry + "': " + reason,
        null);
  }
}
