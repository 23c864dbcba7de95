package dev.mrt.image.tar;

/** The archive is truncated, not a tar, or its compression is damaged or unsupported. */
public final class CorruptArchiveException extends ArchiveException {
  CorruptArchiveException(String archive, String entry, String reason, Throwable cause) {
    super(
        archive,
        entry,
        "cannot unpack "
            + archive
            + (entry == null ? "" : " at entry '" + entry + "'")
            + ": "
            + reason
            + "; the file is damaged or incomplete, fetch or rebuild it",
        cause);
  }
}
