package dev.mrt.pool;

import java.nio.charset.StandardCharsets;

/**
 * A stream's captured bytes, at most a limit of them.
 *
 * @param dropped bytes the process wrote past the limit
 */
public record CapturedOutput(byte[] kept, long dropped) {

  public static final CapturedOutput EMPTY = new CapturedOutput(new byte[0], 0);

  public boolean truncated() {
    return dropped > 0;
  }

  /** The text, with a marker saying how much was cut when it was. */
  public String text() {
    String s = new String(kept, StandardCharsets.UTF_8);
    return truncated() ? s + "\n[mrt: output truncated, " + dropped + " more bytes dropped]\n" : s;
  }
}
