package dev.mrt.gearman;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and writes binary Gearman packets: 4-byte magic, 4-byte big-endian type, 4-byte big-endian
 * payload length, then the NUL-separated arguments.
 *
 * <p>The payload length comes from the peer, so it is checked against {@link #maxPacketSize()}
 * before anything is allocated: a garbage or hostile peer must not make us allocate 4 GiB.
 */
public final class PacketCodec {
  /** Default payload limit: 128 tasks of MCPServer arguments fit many times over. */
  public static final int DEFAULT_MAX_PACKET_SIZE = 64 * 1024 * 1024;

  static final int HEADER_SIZE = 12;

  private final int maxPacketSize;

  public PacketCodec() {
    this(DEFAULT_MAX_PACKET_SIZE);
  }

  public PacketCodec(int maxPacketSize) {
    if (maxPacketSize < 0) {
      throw new IllegalArgumentException("maxPacketSize must be >= 0, got " + maxPacketSize);
    }
    this.maxPacketSize = maxPacketSize;
  }

  /** The largest payload {@link #read} accepts, in bytes. */
  public int maxPacketSize() {
    return maxPacketSize;
  }

  /** The packet as bytes on the wire. */
  public byte[] encode(Packet packet) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_SIZE + packet.payloadSize());
    buffer.put(packet.magic().bytes()).putInt(packet.type().code()).putInt(packet.payloadSize());
    List<byte[]> args = packet.args();
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        buffer.put((byte) 0);
      }
      buffer.put(args.get(i));
    }
    return buffer.array();
  }

  /** Writes the packet in one call, so it goes out in one segment with TCP_NODELAY. */
  public void write(Packet packet, OutputStream out) throws IOException {
    out.write(encode(packet));
    out.flush();
  }

  /**
   * Reads one packet.
   *
   * @throws EOFException when the stream ends, cleanly between packets or inside one
   * @throws GearmanProtocolException when the bytes are not a packet mrt knows
   */
  public Packet read(InputStream in) throws IOException {
    byte[] header = in.readNBytes(HEADER_SIZE);
    if (header.length == 0) {
      throw new EOFException("gearman peer closed the connection");
    }
    if (header.length < HEADER_SIZE) {
      throw new EOFException(
          "gearman peer closed the connection inside a packet header ("
              + header.length
              + " of "
              + HEADER_SIZE
              + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(header);
    byte[] magicBytes = new byte[4];
    buffer.get(magicBytes);
    int code = buffer.getInt();
    long size = Integer.toUnsignedLong(buffer.getInt());
    String typeName = PacketType.fromCode(code).map(Enum::name).orElse("#" + code);
    Packet.Magic magic = magicOf(magicBytes, typeName, size);
    PacketType type =
        PacketType.fromCode(code)
            .orElseThrow(() -> new GearmanProtocolException(typeName, size, "unknown type"));
    if (size > maxPacketSize) {
      if (type == PacketType.JOB_ASSIGN_UNIQ || type == PacketType.JOB_ASSIGN) {
        throw skipJob(in, type, size);
      }
      throw new GearmanProtocolException(
          typeName, size, "larger than the limit of " + maxPacketSize + " bytes");
    }
    byte[] payload = in.readNBytes((int) size);
    if (payload.length < size) {
      throw new EOFException(
          "gearman peer closed the connection inside "
              + typeName
              + " ("
              + payload.length
              + " of "
              + size
              + " bytes)");
    }
    return new Packet(magic, type, split(payload, type, size));
  }

  /** Longest handle or function name read from an oversized job; gearmand's are far shorter. */
  private static final int NAME_LIMIT = 1024;

  /**
   * Reads an oversized job's handle and function, skips the rest of it unread into memory, and
   * returns what the worker needs to fail it; the stream is then at the next packet.
   */
  private OversizedJobException skipJob(InputStream in, PacketType type, long size)
      throws IOException {
    long[] left = {size};
    String handle = field(in, left, type, size);
    String function = field(in, left, type, size);
    in.skipNBytes(left[0]);
    return new OversizedJobException(type.name(), size, maxPacketSize, handle, function);
  }

  private static String field(InputStream in, long[] left, PacketType type, long size)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (left[0] > 0) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("gearman peer closed the connection inside " + type.name());
      }
      left[0]--;
      if (b == 0) {
        return out.toString(StandardCharsets.UTF_8);
      }
      if (out.size() == NAME_LIMIT) {
        throw new GearmanProtocolException(
            type.name(), size, "larger than the limit, and no NUL within " + NAME_LIMIT + " bytes");
      }
      out.write(b);
    }
    throw new GearmanProtocolException(type.name(), size, "larger than the limit, and truncated");
  }

  private static Packet.Magic magicOf(byte[] bytes, String typeName, long size) {
    for (Packet.Magic magic : Packet.Magic.values()) {
      if (Arrays.equals(bytes, magic.bytes())) {
        return magic;
      }
    }
    throw new GearmanProtocolException(
        typeName, size, "bad magic " + Arrays.toString(bytes) + ", expected \\0REQ or \\0RES");
  }

  /** The first n-1 NULs separate arguments; the last argument keeps any NULs it contains. */
  private static List<byte[]> split(byte[] payload, PacketType type, long size) {
    int count = type.argumentCount();
    List<byte[]> args = new ArrayList<>(count);
    if (count == 0) {
      if (payload.length > 0) {
        throw new GearmanProtocolException(type.name(), size, "expected no arguments");
      }
      return args;
    }
    int start = 0;
    for (int i = 0; i < count - 1; i++) {
      int nul = Packet.indexOfNul(payload, start);
      if (nul < 0) {
        throw new GearmanProtocolException(
            type.name(), size, "expected " + count + " arguments, got " + (i + 1));
      }
      args.add(Arrays.copyOfRange(payload, start, nul));
      start = nul + 1;
    }
    args.add(Arrays.copyOfRange(payload, start, payload.length));
    return args;
  }
}
