package dev.mrt.gearman;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One binary Gearman packet. Arguments are raw bytes because job data is opaque (pickles and JSON
 * alike); only the last argument may contain NUL bytes, the others are separated by them.
 *
 * <p>The record copies the argument arrays it is given and {@link #arg} hands out copies, so a
 * packet cannot change after it was checked.
 */
public record Packet(Magic magic, PacketType type, List<byte[]> args) {

  /** Who sent a packet: {@code \0REQ} from clients and workers, {@code \0RES} from the server. */
  public enum Magic {
    REQ,
    RES;

    byte[] bytes() {
      return new byte[] {0, 'R', 'E', this == REQ ? (byte) 'Q' : (byte) 'S'};
    }
  }

  public Packet {
    Objects.requireNonNull(magic, "magic");
    Objects.requireNonNull(type, "type");
    args = args.stream().map(byte[]::clone).toList();
    if (args.size() != type.argumentCount()) {
      throw new IllegalArgumentException(
          type + " takes " + type.argumentCount() + " arguments, got " + args.size());
    }
    for (int i = 0; i < args.size() - 1; i++) {
      if (indexOfNul(args.get(i), 0) >= 0) {
        throw new IllegalArgumentException(
            type + " argument " + i + " contains a NUL byte; only the last one may");
      }
    }
  }

  /** A packet from a client or worker; string arguments are encoded as UTF-8. */
  public static Packet request(PacketType type, Object... args) {
    return new Packet(Magic.REQ, type, toBytes(args));
  }

  /** A packet from the server; string arguments are encoded as UTF-8. */
  public static Packet response(PacketType type, Object... args) {
    return new Packet(Magic.RES, type, toBytes(args));
  }

  /** A copy of argument {@code index}. */
  public byte[] arg(int index) {
    return args.get(index).clone();
  }

  /** Argument {@code index} decoded as UTF-8 (handles, function names, unique ids). */
  public String argString(int index) {
    return new String(args.get(index), StandardCharsets.UTF_8);
  }

  /** Size of the payload on the wire: arguments plus the NULs between them. */
  public int payloadSize() {
    int size = Math.max(0, args.size() - 1);
    for (byte[] arg : args) {
      size += arg.length;
    }
    return size;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof Packet that)) {
      return false;
    }
    if (magic != that.magic || type != that.type || args.size() != that.args.size()) {
      return false;
    }
    for (int i = 0; i < args.size(); i++) {
      if (!Arrays.equals(args.get(i), that.args.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(magic, type);
    for (byte[] arg : args) {
      hash = 31 * hash + Arrays.hashCode(arg);
    }
    return hash;
  }

  @Override
  public String toString() {
    return magic + " " + type + " (" + payloadSize() + " bytes)";
  }

  /** Index of the first NUL at or after {@code from}, or -1. */
  static int indexOfNul(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static List<byte[]> toBytes(Object[] args) {
    return Arrays.stream(args)
        .map(
            arg -> {
              if (arg instanceof byte[] bytes) {
                return bytes;
              }
              if (arg instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
              }
              throw new IllegalArgumentException(
                  "packet arguments are byte[] or String, not " + arg);
            })
        .toList();
  }
}
