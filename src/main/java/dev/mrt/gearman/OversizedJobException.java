package dev.mrt.gearman;

/**
 * gearmand assigned a job whose packet is over the size limit. Unlike other protocol errors the
 * connection is still good: its handle was read and the rest of the packet skipped, so the worker
 * answers WORK_FAIL and goes on, rather than reconnecting (gearmand would hand it the same job
 * again, forever).
 */
public final class OversizedJobException extends GearmanProtocolException {
  private final String handle;
  private final String function;

  OversizedJobException(String packetType, long size, long limit, String handle, String function) {
    super(
        packetType,
        size,
        "job " + handle + " for " + function + " is larger than the limit of " + limit + " bytes");
    this.handle = handle;
    this.function = function;
  }

  public String handle() {
    return handle;
  }

  public String function() {
    return function;
  }
}
