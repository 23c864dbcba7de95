package dev.mrt.archivematica;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the few value types of a result payload as a protocol 0 pickle, as MCPClient's {@code
 * pickle.dumps(results, protocol=0)} did.
 *
 * <p>Why not razorvine's Pickler: it always writes protocol 2, and it writes an aware datetime as
 * {@code operator.attrgetter('localize')(pytz.utc)(datetime(...))}, which a Python 3 MCPServer
 * without pytz (Django 4 dropped it) cannot load. Here a timestamp becomes {@code
 * datetime.datetime(y, m, d, H, M, S, us, datetime.timezone(datetime.timedelta(0)))}, the value
 * Django 4's {@code timezone.now()} gives, loadable by any Python 3.
 */
final class Protocol0Pickler {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Protocol0Pickler() {}

  /** Pickles maps with string keys, strings, ints, booleans, None and {@link PythonDateTime}. */
  static byte[] dumps(Object value) {
    Protocol0Pickler pickler = new Protocol0Pickler();
    pickler.save(value);
    pickler.write(".");
    return pickler.out.toByteArray();
  }

  private void save(Object value) {
    if (value == null) {
      write("N");
    } else if (value instanceof Boolean flag) {
      write(flag ? "I01\n" : "I00\n"); // protocol 0's spelling of True and False
    } else if (value instanceof Integer || value instanceof Long) {
      write("I" + value + "\n"); // Python reads any size of int from INT
    } else if (value instanceof String text) {
      saveString(text);
    } else if (value instanceof Map<?, ?> map) {
      write("(d");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        save(entry.getKey());
        save(entry.getValue());
        write("s");
      }
    } else if (value instanceof PythonDateTime dateTime) {
      saveDateTime(dateTime);
    } else {
      throw new IllegalArgumentException("cannot pickle " + value.getClass().getName());
    }
  }

  /**
   * UNICODE opcode: raw-unicode-escape text ending at a newline. Everything outside printable
   * ASCII, and the backslash, is written as a {@code \\uXXXX} escape so the line stays intact.
   */
  private void saveString(String text) {
    StringBuilder line = new StringBuilder("V");
    text.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7f && cp != '\\') {
                line.append((char) cp);
              } else if (cp <= 0xffff) {
                line.append(String.format("\\u%04x", cp));
              } else {
                line.append(String.format("\\U%08x", cp));
              }
            });
    write(line.append('\n').toString());
  }

  private void saveDateTime(PythonDateTime value) {
    var t = value.dateTime();
    write("cdatetime\ndatetime\n(");
    for (int field :
        new int[] {
          t.getYear(),
          t.getMonthValue(),
          t.getDayOfMonth(),
          t.getHour(),
          t.getMinute(),
          t.getSecond(),
          t.getNano() / 1000
        }) {
      write("I" + field + "\n");
    }
    value
        .offset()
        .ifPresent(
            offset ->
                write(
                    "cdatetime\ntimezone\n(cdatetime\ntimedelta\n(I0\nI"
                        + offset.getTotalSeconds()
                        + "\nI0\ntRtR"));
    write("tR");
  }

  private void write(String ascii) {
    out.writeBytes(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }
}
