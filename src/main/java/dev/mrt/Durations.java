package dev.mrt;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as users write them: {@code 1h30m}, {@code 2.5s}, {@code 500ms}. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private Durations() {}

  /** Parses a duration; a bare number is seconds. Returns null when the text is not one. */
  public static Duration parse(String value) {
    String v = value.strip();
    if (v.matches("\\d+(\\.\\d+)?")) {
      return Duration.ofNanos((long) (Double.parseDouble(v) * 1e9));
    }
    Matcher m = PART.matcher(v);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      double n = Double.parseDouble(m.group(1));
      long nanos =
          switch (m.group(2)) {
            case "h" -> (long) (n * 3600e9);
            case "m" -> (long) (n * 60e9);
            case "s" -> (long) (n * 1e9);
            default -> (long) (n * 1e6);
          };
      total = total.plusNanos(nanos);
    }
    return end == v.length() && end > 0 ? total : null;
  }

  /** The inverse of {@link #parse} for display: {@code 1h30m}, {@code 5s}, {@code 250ms}. */
  public static String format(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    StringBuilder sb = new StringBuilder();
    if (d.toHours() > 0) {
      sb.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      sb.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || d.toMillisPart() > 0 || sb.length() == 0) {
      sb.append(d.toSecondsPart());
      if (d.toMillisPart() > 0) {
        sb.append('.').append(String.format("%03d", d.toMillisPart()).replaceAll("0+$", ""));
      }
      sb.append('s');
    }
    return sb.toString();
  }
}
