package dev.mrt.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Go-style durations ({@code 1h30m}, {@code 2.5s}, {@code 500ms}); a bare number is seconds. */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  @Override
  public Duration convert(String value) {
    Duration d = parse(value);
    if (d == null || d.isZero() || d.isNegative()) {
      throw new TypeConversionException(
          "'" + value + "' is not a positive duration; write e.g. 30s, 5m, 1h30m or 500ms");
    }
    return d;
  }

  static Duration parse(String value) {
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
  static String format(Duration d) {
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
