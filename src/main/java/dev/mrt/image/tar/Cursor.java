package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Which archive, and which entry of it, an extraction is at: every error it raises names both. Only
 * the reading thread moves it; a write handed to another thread takes a {@link #copy}.
 */
final class Cursor {
  private String archive;
  private String entry;

  Cursor(String archive, String entry) {
    this.archive = archive;
    this.entry = entry;
  }

  /** Starts on an archive (or layer), before its first entry. */
  void archive(String name) {
    archive = name;
    entry = null;
  }

  /** Moves to an entry; {@code null} once past the last one. */
  void entry(String name) {
    entry = name;
  }

  String archive() {
    return archive;
  }

  String entry() {
    return entry;
  }

  /** Where the cursor is now, for a thread that reports later. */
  Cursor copy() {
    return new Cursor(archive, entry);
  }

  UnsafeEntryException unsafe(String reason) {
    return new UnsafeEntryException(archive, entry, reason);
  }

  CorruptArchiveException corrupt(String reason) {
    return new CorruptArchiveException(archive, entry, reason, null);
  }

  CorruptArchiveException corrupt(Exception e) {
    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
    return new CorruptArchiveException(archive, entry, reason, e);
  }

  DestinationException destination(Path target, IOException e) {
    return new DestinationException(archive, entry, target.toString(), e);
  }
}
