package dev.mrt.gearman;

import java.util.Optional;

/**
 * What a worker knows about one gearmand, reported to {@link WorkerListener} on every change.
 *
 * @param server the gearmand
 * @param status where the connection stands
 * @param reconnects how many times the connection was re-established after being lost
 * @param lastError the failure that caused the current DISCONNECTED status, if any
 */
public record ServerState(
    ServerAddress server, Status status, long reconnects, Optional<String> lastError) {

  /** Connection status of one server. */
  public enum Status {
    /** Not connected yet, first attempt under way. */
    CONNECTING,
    /** Connected and abilities registered. */
    CONNECTED,
    /** Lost or never reached; retrying with backoff. */
    DISCONNECTED,
    /** The worker was closed. */
    CLOSED
  }
}
