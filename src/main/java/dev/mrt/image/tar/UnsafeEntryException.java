package dev.mrt.image.tar;

/**
 * An entry would write outside the destination (an absolute or {@code ..} name, a path through a
 * symlink, a symlink or hard link leading out). The archive is refused rather than trusted.
 */
public final class UnsafeEntryException extends ArchiveException {
  UnsafeEntryException(String archive, String entry, String reason) {
    super(
        archive,
        entry,
        "refusing to unpack "
            + archive
            + ": entry '"
            + entry
            + "' "
            + reason
            + "; the archive is unsafe, use a trusted image",
        null);
  }
}
