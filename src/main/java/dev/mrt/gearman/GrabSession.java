package dev.mrt.gearman;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The job-taking conversation on one registered connection: claim a slot from the {@link
 * JobHandler}, GRAB_JOB_UNIQ, hand the job over (or give the slot back on NO_JOB and PRE_SLEEP
 * until gearmand sends NOOP), echoing when idle to notice a dead gearmand. Connecting and
 * reconnecting are {@link GearmanWorker}'s; this ends by throwing when the connection fails, or
 * returns once grabbing stops. Server thread only.
 */
final class GrabSession {
  private static final Logger LOG = Logger.getLogger(GrabSession.class);

  private final ServerAddress server;
  private final GearmanWorkerConnection conn;
  private final JobHandler handler;
  private final WorkerOptions options;
  private final BooleanSupplier grabbing;

  /** Set by awaitAnswer when a NOOP slipped in: a job may be waiting. */
  private boolean woken;

  GrabSession(
      ServerAddress server,
      GearmanWorkerConnection conn,
      JobHandler handler,
      WorkerOptions options,
      BooleanSupplier grabbing) {
    this.server = server;
    this.conn = conn;
    this.handler = handler;
    this.options = options;
    this.grabbing = grabbing;
  }

  /** Grabs jobs until grabbing stops. */
  void serve() throws IOException, InterruptedException {
    long lastTraffic = System.nanoTime();
    while (grabbing.getAsBoolean()) {
      Optional<JobHandler.Claim> claim = handler.acquire(options.pollInterval());
      if (claim.isEmpty()) {
        if (idleFor(lastTraffic)) {
          echo();
          lastTraffic = System.nanoTime();
        }
        continue;
      }
      boolean handedOver;
      try (JobHandler.Claim c = claim.get()) {
        handedOver = grab(c);
      }
      if (!handedOver && grabbing.getAsBoolean()) {
        sleepUntilWoken();
      }
      lastTraffic = System.nanoTime();
    }
  }

  /** GRAB_JOB_UNIQ; true when a job was handed to the claim (which now belongs to the job). */
  private boolean grab(JobHandler.Claim claim) throws IOException {
    conn.grabJob();
    Packet answer;
    try {
      answer =
          awaitAnswer(EnumSet.of(PacketType.JOB_ASSIGN_UNIQ, PacketType.NO_JOB), "GRAB_JOB_UNIQ");
    } catch (OversizedJobException e) {
      // Reconnecting would only get the same job again: fail it, keep the connection.
      LOG.errorf(
          "%s from gearmand %s; replying WORK_FAIL (MCPServer marks its tasks failed)",
          e.getMessage(), server);
      conn.workFail(e.handle());
      return false;
    }
    if (answer.type() == PacketType.NO_JOB) {
      return false;
    }
    GearmanJob job =
        new GearmanJob(
            server, answer.argString(0), answer.argString(1), answer.argString(2), answer.arg(3));
    ConnectionReply reply = new ConnectionReply(conn, job);
    try {
      claim.handle(job, reply);
      return true;
    } catch (RuntimeException e) {
      LOG.errorf(e, "job handler threw on %s; failing the job", job);
      reply.fail();
      return false;
    }
  }

  /** PRE_SLEEP, then wait for NOOP, echoing now and then to notice a dead gearmand. */
  private void sleepUntilWoken() throws IOException {
    conn.preSleep();
    long lastTraffic = System.nanoTime();
    while (grabbing.getAsBoolean()) {
      Optional<Packet> packet = conn.read(options.pollInterval());
      if (packet.isPresent()) {
        PacketType type = packet.get().type();
        if (type == PacketType.NOOP) {
          return;
        }
        if (type != PacketType.ECHO_RES) {
          throw unexpected(packet.get(), "PRE_SLEEP");
        }
      } else if (idleFor(lastTraffic)) {
        if (echo()) {
          return;
        }
        lastTraffic = System.nanoTime();
      }
    }
  }

  /** ECHO_REQ and wait for ECHO_RES; true when a NOOP arrived meanwhile. */
  private boolean echo() throws IOException {
    conn.echo(options.clientId());
    woken = false;
    awaitAnswer(EnumSet.of(PacketType.ECHO_RES), "ECHO_REQ");
    return woken;
  }

  private Packet awaitAnswer(Set<PacketType> wanted, String request) throws IOException {
    long deadline = System.nanoTime() + options.replyTimeout().toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException(
            "no answer to " + request + " within " + options.replyTimeout().toMillis() + " ms");
      }
      Optional<Packet> packet = conn.read(Duration.ofNanos(left));
      if (packet.isEmpty()) {
        continue;
      }
      Packet p = packet.get();
      if (wanted.contains(p.type())) {
        return p;
      }
      if (p.type() == PacketType.NOOP) {
        woken = true; // left over from an earlier PRE_SLEEP; we are awake anyway
      } else if (p.type() != PacketType.ECHO_RES) {
        throw unexpected(p, request);
      }
    }
  }

  private GearmanProtocolException unexpected(Packet packet, String request) {
    String detail =
        packet.type() == PacketType.ERROR
            ? "gearmand error " + packet.argString(0) + ": " + packet.argString(1)
            : "unexpected while waiting for the answer to " + request;
    return new GearmanProtocolException(
        packet.type().name(), packet.payloadSize(), detail + " from " + server);
  }

  private boolean idleFor(long since) {
    return System.nanoTime() - since >= options.echoInterval().toNanos();
  }
}
