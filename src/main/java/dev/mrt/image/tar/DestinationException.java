package dev.mrt.image.tar;

/** The archive is fine but the destination could not be written (space, permissions). */
public final class DestinationException extends ArchiveException {
  DestinationException(String archive, String entry, String target, Throwable cause) {
    super(
        archive,
        entry,
        "cannot unpack entry '"
            + entry
            + "' of "
            + archive
            + " to "
            + target
            + ": "
            + cause
            + "; check free space and permissions",
        cause);
  }
}
