package dev.mrt.archivematica;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The only Python globals a job pickle may name, and what each becomes in Java. This is the whole
 * allow-list: MCPServer's payloads are dicts of strings, ints, booleans and datetimes, and a
 * pickled datetime needs exactly these callables:
 *
 * <ul>
 *   <li>{@code datetime.datetime}: from its packed 10-byte state (Python 2 {@code str}, or Python 3
 *       {@code bytes} via {@code _codecs.encode}) or from year, month, day... ints;
 *   <li>{@code _codecs.encode}: how Python 3 protocol 0 writes bytes (latin-1 text only);
 *   <li>{@code datetime.timezone} and {@code datetime.timedelta}: Django 4's UTC tzinfo;
 *   <li>{@code pytz._UTC}: older Django's UTC tzinfo.
 * </ul>
 *
 * Sets, other classes and any other callable are refused, so no pickle can make us construct
 * anything but plain data.
 */
final class PickleGlobals {
  private static final Map<String, IObjectConstructor> CONSTRUCTORS =
      Map.of(
          "datetime.datetime", PickleGlobals::checkedDatetime,
          "_codecs.encode", PickleGlobals::encode,
          "datetime.timezone", PickleGlobals::timezone,
          "datetime.timedelta", PickleGlobals::timedelta,
          "pytz._UTC", args -> ZoneOffset.UTC);

  private PickleGlobals() {}

  static boolean allowed(String module, String name) {
    return CONSTRUCTORS.containsKey(module + "." + name);
  }

  /** The constructor for an allowed global; callers check {@link #allowed} first. */
  static IObjectConstructor constructor(String module, String name) {
    IObjectConstructor constructor = CONSTRUCTORS.get(module + "." + name);
    if (constructor == null) {
      throw new PickleException("global " + module + "." + name + " is not allowed");
    }
    return constructor;
  }

  private static Object checkedDatetime(Object[] args) {
    try {
      return datetime(args);
    } catch (DateTimeException e) {
      throw new PickleException("invalid datetime: " + e.getMessage());
    }
  }

  private static Object datetime(Object[] args) {
    if (args.length >= 1 && (args[0] instanceof byte[] || args[0] instanceof String)) {
      byte[] state =
          args[0] instanceof byte[] bytes
              ? bytes
              : ((String) args[0]).getBytes(StandardCharsets.ISO_8859_1);
      if (state.length != 10 || args.length > 2) {
        throw new PickleException("datetime state must be 10 bytes, got " + state.length);
      }
      int[] u = new int[10];
      for (int i = 0; i < 10; i++) {
        u[i] = state[i] & 0xff;
      }
      // Python's packed layout: year (2 bytes), month (high bit = fold), day, h, m, s, us (3
      // bytes).
      LocalDateTime local =
          LocalDateTime.of(
              u[0] << 8 | u[1],
              u[2] & 0x7f,
              u[3],
              u[4],
              u[5],
              u[6],
              (u[7] << 16 | u[8] << 8 | u[9]) * 1000);
      return new PythonDateTime(local, tzinfo(args, 1));
    }
    if (args.length < 3 || args.length > 8) {
      throw new PickleException("datetime takes 3 to 8 arguments, got " + args.length);
    }
    int[] fields = new int[7];
    for (int i = 0; i < Math.min(args.length, 7); i++) {
      if (!(args[i] instanceof Number number)) {
        throw new PickleException("datetime argument " + i + " is not an int: " + args[i]);
      }
      fields[i] = number.intValue();
    }
    LocalDateTime local =
        LocalDateTime.of(
            fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6] * 1000);
    return new PythonDateTime(local, tzinfo(args, 7));
  }

  private static Optional<ZoneOffset> tzinfo(Object[] args, int index) {
    if (args.length <= index || args[index] == null) {
      return Optional.empty();
    }
    if (args[index] instanceof ZoneOffset offset) {
      return Optional.of(offset);
    }
    throw new PickleException("datetime tzinfo must be a UTC offset, got " + args[index]);
  }

  private static Object encode(Object[] args) {
    if (args.length == 2
        && args[0] instanceof String text
        && ("latin1".equals(args[1]) || "latin-1".equals(args[1]))) {
      return text.getBytes(StandardCharsets.ISO_8859_1);
    }
    throw new PickleException("_codecs.encode is allowed only as (str, 'latin1')");
  }

  private static Object timezone(Object[] args) {
    if (args.length >= 1 && args.length <= 2 && args[0] instanceof Duration offset) {
      return ZoneOffset.ofTotalSeconds((int) offset.getSeconds());
    }
    throw new PickleException("datetime.timezone takes a timedelta");
  }

  private static Object timedelta(Object[] args) {
    long[] parts = new long[3];
    if (args.length > 3) {
      throw new PickleException("timedelta takes at most 3 arguments");
    }
    for (int i = 0; i < args.length; i++) {
      if (!(args[i] instanceof Number number)) {
        throw new PickleException("timedelta argument " + i + " is not an int");
      }
      parts[i] = number.longValue();
    }
    return Duration.ofDays(parts[0]).plusSeconds(parts[1]).plusNanos(parts[2] * 1000);
  }
}
