package dev.mrt.archivematica;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A Python {@code datetime.datetime}: microsecond precision, with or without a UTC offset. It
 * exists so that {@code %jobCreatedDate%} and {@code %date%} render exactly as Python renders them,
 * which {@link OffsetDateTime#toString} does not (it drops zero seconds, writes Z).
 *
 * @param dateTime local date and time, truncated to microseconds
 * @param offset the UTC offset of an aware datetime; empty for a naive one
 */
public record PythonDateTime(LocalDateTime dateTime, Optional<ZoneOffset> offset) {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

  public PythonDateTime {
    dateTime = dateTime.truncatedTo(ChronoUnit.MICROS);
    Objects.requireNonNull(offset, "offset");
  }

  /** An aware UTC datetime, like Django's {@code timezone.now()}. */
  public static PythonDateTime utc(Instant instant) {
    return new PythonDateTime(
        LocalDateTime.ofInstant(instant, ZoneOffset.UTC), Optional.of(ZoneOffset.UTC));
  }

  /**
   * Parses what Python's {@code isoformat()} (with {@code 'T'} or {@code ' '} as separator) writes;
   * a {@code Z} suffix is accepted too.
   *
   * @throws DateTimeParseException when the text is not such a date-time
   */
  public static PythonDateTime parse(String text) {
    String iso =
        text.length() > 10 && text.charAt(10) == ' '
            ? text.substring(0, 10) + 'T' + text.substring(11)
            : text;
    try {
      OffsetDateTime aware = OffsetDateTime.parse(iso);
      return new PythonDateTime(aware.toLocalDateTime(), Optional.of(aware.getOffset()));
    } catch (DateTimeParseException notAware) {
      return new PythonDateTime(LocalDateTime.parse(iso), Optional.empty());
    }
  }

  /** Python's {@code isoformat()}: microseconds only when non-zero, offset when aware. */
  public String isoformat() {
    return isoformat('T');
  }

  /** Python's {@code str(datetime)}, which is {@code isoformat(' ')}. */
  public String pythonStr() {
    return isoformat(' ');
  }

  private String isoformat(char separator) {
    String local = (dateTime.getNano() == 0 ? SECONDS : MICROS).format(dateTime);
    return local.substring(0, 10)
        + separator
        + local.substring(11)
        + offset.map(PythonDateTime::pythonOffset).orElse("");
  }

  /** Python writes +00:00 (never Z) and adds seconds only when the offset has them. */
  private static String pythonOffset(ZoneOffset offset) {
    int total = offset.getTotalSeconds();
    int abs = Math.abs(total);
    String text = String.format("%s%02d:%02d", total < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
    return abs % 60 == 0 ? text : text + String.format(":%02d", abs % 60);
  }
}
