package dev.mrt.gearman;

import dev.mrt.MrtException;

/**
 * A peer sent bytes that are not a valid Gearman packet (or a valid packet at the wrong time). The
 * connection cannot be trusted afterwards: callers close it and reconnect.
 */
public class GearmanProtocolException extends MrtException {
  private final String packetType;
  private final long size;

  /**
   * @param packetType the packet type name, or its raw number when unknown
   * @param size the payload size announced in the header (-1 when not read yet)
   */
  public GearmanProtocolException(String packetType, long size, String problem) {
    super("bad gearman packet " + packetType + " (" + size + " bytes): " + problem);
    this.packetType = packetType;
    this.size = size;
  }

  /** The packet type name, or its raw number when unknown. */
  public String packetType() {
    return packetType;
  }

  /** The payload size from the packet header, or -1 when it was not read. */
  public long size() {
    return size;
  }
}
