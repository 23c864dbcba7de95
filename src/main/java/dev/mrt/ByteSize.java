package dev.mrt;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size as users write it in settings and options: {@code 512M}, {@code 1.5g}, {@code 2GiB} or
 * plain bytes. Suffixes K, M, G and T are powers of 1024, as docker's {@code --memory}; case,
 * spaces around the number and a trailing {@code B} or {@code iB} do not matter. One grammar for
 * every size setting, so a form that works for one works for all.
 *
 * @param bytes never negative
 */
public record ByteSize(long bytes) {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative: " + bytes);
    }
  }

  /**
   * Parses a size; a fraction of a byte is dropped.
   *
   * @throws IllegalArgumentException with a message that quotes {@code text} and shows the format,
   *     for callers that add their own context
   */
  public static ByteSize parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size; write e.g. 512M, 2G or" + " a number of bytes");
    }
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
    return new ByteSize((long) bytes);
  }

  /**
   * Parses the value of a setting or option.
   *
   * @param where the setting or option, e.g. {@code mrt.container.tmp-size}
   * @throws MrtException one line: {@code bad <where>: } and what {@link #parse(String)} said
   */
  public static ByteSize parse(String text, String where) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new MrtException("bad " + where + ": " + e.getMessage());
    }
  }

  /**
   * A size setting that must be at least 1 MiB (a tmpfs, an unpack cap): its bytes.
   *
   * @throws MrtException naming the setting and the bad value
   */
  public static long parseAtLeast1M(String text, String where) {
    long bytes = parse(text, where).bytes();
    if (bytes < 1L << 20) {
      throw new MrtException("bad " + where + ": '" + text + "' is below 1M");
    }
    return bytes;
  }
}
