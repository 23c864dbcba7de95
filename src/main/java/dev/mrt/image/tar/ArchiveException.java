package dev.mrt.image.tar;

import dev.mrt.MrtException;

/**
 * A tar archive could not be unpacked. Carries the archive (as named by the caller) and the entry
 * concerned, so messages and callers never have to parse text.
 */
public abstract sealed class ArchiveException extends MrtException
    permits UnsafeEntryException,
        CorruptArchiveException,
        DestinationException,
        UnpackLimitException {
  private final String archive;
  private final String entry;

  ArchiveException(String archive, String entry, String message, Throwable cause) {
    super(message, cause);
    this.archive = archive;
    this.entry = entry;
  }

  /** The archive as the caller named it (usually a path or a classpath resource). */
  public String archive() {
    return archive;
  }

  /** The entry name as stored in the archive, or {@code null} when no entry was being read. */
  public String entry() {
    return entry;
  }
}
