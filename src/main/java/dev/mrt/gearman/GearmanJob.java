package dev.mrt.gearman;

import java.util.Objects;

/**
 * A job gearmand assigned to this worker (from JOB_ASSIGN_UNIQ).
 *
 * @param server the gearmand that assigned it; the reply must go back to the same connection
 * @param handle gearmand's job handle, e.g. {@code H:host:42}
 * @param function the registered function name
 * @param unique the client's unique id (MCPServer: the batch UUID)
 * @param data the opaque payload; not copied, callers must not modify it
 */
public record GearmanJob(
    ServerAddress server, String handle, String function, String unique, byte[] data) {
  public GearmanJob {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(unique, "unique");
    Objects.requireNonNull(data, "data");
  }

  @Override
  public String toString() {
    return function
        + " job "
        + handle
        + " (unique "
        + unique
        + ", "
        + data.length
        + " bytes) from "
        + server;
  }
}
