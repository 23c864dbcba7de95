package dev.mrt.archivematica;

/**
 * How MCPServer encoded a job; the reply goes back in the same encoding, because each Archivematica
 * version only decodes its own.
 */
public enum Encoding {
  /** Compact JSON, Archivematica 1.17 and later. */
  JSON,
  /** Python pickle protocol 0, Archivematica up to 1.16. */
  PICKLE;

  /**
   * Tells the two apart by content: JSON payloads are objects, so they start with {@code '{'}
   * (after optional whitespace); no pickle does, as {@code '{'} is not a pickle opcode.
   */
  public static Encoding detect(byte[] payload) {
    for (byte b : payload) {
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
        continue;
      }
      return b == '{' ? JSON : PICKLE;
    }
    return PICKLE; // empty: the pickle reader reports it as truncated
  }
}
