package dev.mrt.gearman;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link GearmanWorker} talks to its servers.
 *
 * @param clientId the name shown by {@code gearadmin --workers} (MCPClient uses MCPClient-PID)
 * @param connectTimeout TCP connect timeout
 * @param replyTimeout how long a request that expects an answer (GRAB, ECHO) may wait for it
 * @param pollInterval how often waiting threads look at the stop flag
 * @param echoInterval after this much silence the worker sends ECHO_REQ to find dead peers
 * @param backoff delays between reconnect attempts
 * @param maxPacketSize the largest packet accepted from gearmand
 */
public record WorkerOptions(
    String clientId,
    Duration connectTimeout,
    Duration replyTimeout,
    Duration pollInterval,
    Duration echoInterval,
    Backoff backoff,
    int maxPacketSize) {

  public WorkerOptions {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(backoff, "backoff");
    for (Duration d : new Duration[] {connectTimeout, replyTimeout, pollInterval, echoInterval}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("worker timeouts must be positive, got " + d);
      }
    }
  }

  /** Defaults fit for production: 5 s connect, 10 s reply, 1 s poll, echo after 30 s idle. */
  public static WorkerOptions defaults(String clientId) {
    return new WorkerOptions(
        clientId,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Backoff.DEFAULT,
        PacketCodec.DEFAULT_MAX_PACKET_SIZE);
  }

  public WorkerOptions withBackoff(Backoff newBackoff) {
    return new WorkerOptions(
        clientId,
        connectTimeout,
        replyTimeout,
        pollInterval,
        echoInterval,
        newBackoff,
        maxPacketSize);
  }

  public WorkerOptions withPollAndEcho(Duration newPoll, Duration newEcho) {
    return new WorkerOptions(
        clientId, connectTimeout, replyTimeout, newPoll, newEcho, backoff, maxPacketSize);
  }
}
