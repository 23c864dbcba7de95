package dev.mrt.pool;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A stream's captured bytes, at most a limit of them.
 *
 * @param dropped bytes the process wrote past the limit
 */
public record CapturedOutput(byte[] kept, long dropped) {

  public static final CapturedOutput EMPTY = new CapturedOutput(new byte[0], 0);

  /** Text that reached mrt whole (from a batch runner), kept to {@code limit} bytes of UTF-8. */
  public static CapturedOutput of(String text, int limit) {
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    if (all.length <= limit) {
      return new CapturedOutput(all, 0);
    }
    return new CapturedOutput(Arrays.copyOf(all, limit), all.length - limit);
  }

  public boolean truncated() {
    return dropped > 0;
  }

  /** The text, with a marker saying how much was cut when it was. */
  public String text() {
    String s = new String(kept, StandardCharsets.UTF_8);
    return truncated() ? s + "\n[mrt: output truncated, " + dropped + " more bytes dropped]\n" : s;
  }
}
