package dev.mrt.cli;

import dev.mrt.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Go-style durations ({@code 1h30m}, {@code 2.5s}, {@code 500ms}); a bare number is seconds. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d = Durations.parse(value);
    if (d == null || d.isZero() || d.isNegative()) {
      throw new TypeConversionException(
          "'" + value + "' is not a positive duration; write e.g. 30s, 5m, 1h30m or 500ms");
    }
    return d;
  }

  static Duration parse(String value) {
    return Durations.parse(value);
  }

  static String format(Duration d) {
    return Durations.format(d);
  }
}
