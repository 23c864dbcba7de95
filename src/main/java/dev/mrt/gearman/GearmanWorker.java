package dev.mrt.gearman;

import dev.mrt.DaemonThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A Gearman worker serving several gearmand servers at once, one platform thread per server.
 *
 * <p>Each server thread connects, registers the functions, then loops: claim a slot from the {@link
 * JobHandler}, GRAB_JOB_UNIQ, hand the job over (or give the slot back on NO_JOB and PRE_SLEEP
 * until gearmand sends NOOP). A lost connection is re-established with capped exponential backoff;
 * jobs whose connection died before their reply are dropped, because gearmand has already requeued
 * them.
 *
 * <p>Lifecycle: {@link #start}, then {@link #stop} to stop taking jobs while replies of running
 * jobs can still go out, then {@link #close} to drop the connections.
 */
public final class GearmanWorker implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GearmanWorker.class);

  private final List<String> functions;
  private final JobHandler handler;
  private final WorkerOptions options;
  private final WorkerListener listener;
  private final PacketCodec codec;
  private final List<ServerLoop> loops = new ArrayList<>();
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private final ExecutorService threads;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean grabbing = true;
  private volatile boolean closed;

  public GearmanWorker(
      List<ServerAddress> servers,
      Collection<String> functions,
      JobHandler handler,
      WorkerOptions options,
      WorkerListener listener) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("a gearman worker needs at least one server");
    }
    this.functions = List.copyOf(functions);
    this.handler = handler;
    this.options = options;
    this.listener = listener;
    this.codec = new PacketCodec(options.maxPacketSize());
    for (ServerAddress server : servers) {
      loops.add(new ServerLoop(server));
    }
    this.threads =
        Executors.newFixedThreadPool(servers.size(), DaemonThreads.numbered("gearman-", 0));
  }

  /** Connects to every server in the background; returns at once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("gearman worker already started");
    }
    loops.forEach(threads::execute);
  }

  /** Stops grabbing new jobs; connections stay open so running jobs can still reply. */
  public void stop() {
    grabbing = false;
  }

  /** Stops grabbing, closes every connection (unanswered jobs get requeued by gearmand). */
  @Override
  public void close() {
    grabbing = false;
    closed = true;
    closedLatch.countDown();
    loops.forEach(ServerLoop::closeConnection);
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(
          options.replyTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        LOG.warn("gearman worker threads did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The current state of every server, in the order they were given. */
  public List<ServerState> states() {
    return loops.stream().map(loop -> loop.state).toList();
  }

  /** How long a connection must have served before its failure counts as a first one again. */
  private static final Duration HEALTHY = Duration.ofSeconds(60);

  /** Thread body for one gearmand: connect, serve, reconnect. */
  private final class ServerLoop implements Runnable {
    private final ServerAddress server;
    private final Random random = new Random();
    private volatile GearmanWorkerConnection connection;
    private volatile ServerState state;

    /** Set by awaitAnswer when a NOOP slipped in: a job may be waiting. Server thread only. */
    private boolean woken;

    ServerLoop(ServerAddress server) {
      this.server = server;
      this.state = new ServerState(server, ServerState.Status.CONNECTING, 0, Optional.empty());
    }

    @Override
    public void run() {
      int attempt = 0;
      try {
        while (!closed) {
          long connected = 0;
          try {
            GearmanWorkerConnection conn = connect();
            connected = System.nanoTime();
            serve(conn);
            closedLatch.await(); // stopped: keep the connection for late replies
          } catch (IOException | GearmanProtocolException e) {
            closeConnection();
            if (closed) {
              break;
            }
            disconnected(e);
            // A connection that fails soon after it was made (a peer that drops us on every
            // job) backs off like one that cannot be made; only a healthy spell resets it.
            if (connected != 0 && System.nanoTime() - connected > HEALTHY.toNanos()) {
              attempt = 0;
            }
            Thread.sleep(options.backoff().delay(attempt++, random).toMillis());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeConnection();
        change(ServerState.Status.CLOSED, state.reconnects(), Optional.empty());
      }
    }

    private GearmanWorkerConnection connect() throws IOException {
      GearmanWorkerConnection conn =
          GearmanWorkerConnection.open(
              server, options.connectTimeout(), options.replyTimeout(), codec);
      connection = conn;
      if (closed) {
        conn.close(); // close() ran while we were connecting
        throw new IOException("worker closed");
      }
      conn.register(options.clientId(), functions);
      boolean again = state.status() == ServerState.Status.DISCONNECTED;
      long reconnects = state.reconnects() + (again ? 1 : 0);
      LOG.infof(
          "%s gearmand %s as %s (%d functions)",
          again ? "reconnected to" : "connected to", server, options.clientId(), functions.size());
      change(ServerState.Status.CONNECTED, reconnects, Optional.empty());
      return conn;
    }

    /** Logs only the first failure after a state change; retries are logged at debug. */
    private void disconnected(Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      switch (state.status()) {
        case CONNECTED -> LOG.warnf("lost gearmand %s: %s; reconnecting", server, why);
        case CONNECTING -> LOG.warnf("cannot reach gearmand %s: %s; retrying", server, why);
        default -> LOG.debugf("gearmand %s still unreachable: %s", server, why);
      }
      change(ServerState.Status.DISCONNECTED, state.reconnects(), Optional.of(why));
    }

    private void change(ServerState.Status status, long reconnects, Optional<String> error) {
      if (state.status() == status && state.reconnects() == reconnects) {
        return;
      }
      state = new ServerState(server, status, reconnects, error);
      try {
        listener.onStateChange(state);
      } catch (RuntimeException e) {
        LOG.errorf(e, "gearman worker listener failed on %s", state);
      }
    }

    private void serve(GearmanWorkerConnection conn) throws IOException, InterruptedException {
      long lastTraffic = System.nanoTime();
      while (grabbing) {
        Optional<JobHandler.Claim> claim = handler.acquire(options.pollInterval());
        if (claim.isEmpty()) {
          if (idleFor(lastTraffic)) {
            echo(conn);
            lastTraffic = System.nanoTime();
          }
          continue;
        }
        boolean handedOver;
        try (JobHandler.Claim c = claim.get()) {
          handedOver = grab(conn, c);
        }
        if (!handedOver && grabbing) {
          sleepUntilWoken(conn);
        }
        lastTraffic = System.nanoTime();
      }
    }

    /** GRAB_JOB_UNIQ; true when a job was handed to the claim (which now belongs to the job). */
    private boolean grab(GearmanWorkerConnection conn, JobHandler.Claim claim) throws IOException {
      conn.grabJob();
      Packet answer;
      try {
        answer =
            awaitAnswer(
                conn, EnumSet.of(PacketType.JOB_ASSIGN_UNIQ, PacketType.NO_JOB), "GRAB_JOB_UNIQ");
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
    private void sleepUntilWoken(GearmanWorkerConnection conn) throws IOException {
      conn.preSleep();
      long lastTraffic = System.nanoTime();
      while (grabbing) {
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
          if (echo(conn)) {
            return;
          }
          lastTraffic = System.nanoTime();
        }
      }
    }

    /** ECHO_REQ and wait for ECHO_RES; true when a NOOP arrived meanwhile. */
    private boolean echo(GearmanWorkerConnection conn) throws IOException {
      conn.echo(options.clientId());
      woken = false;
      awaitAnswer(conn, EnumSet.of(PacketType.ECHO_RES), "ECHO_REQ");
      return woken;
    }

    private Packet awaitAnswer(GearmanWorkerConnection conn, Set<PacketType> wanted, String request)
        throws IOException {
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

    void closeConnection() {
      GearmanWorkerConnection conn = connection;
      if (conn != null) {
        conn.close();
      }
    }
  }

  /** Replies on the connection that delivered the job, once; later connections never see it. */
  private static final class ConnectionReply implements JobReply {
    private final GearmanWorkerConnection connection;
    private final GearmanJob job;
    private final AtomicBoolean answered = new AtomicBoolean();

    ConnectionReply(GearmanWorkerConnection connection, GearmanJob job) {
      this.connection = connection;
      this.job = job;
    }

    @Override
    public boolean complete(byte[] data) {
      return send("WORK_COMPLETE", () -> connection.workComplete(job.handle(), data));
    }

    @Override
    public boolean fail() {
      return send("WORK_FAIL", () -> connection.workFail(job.handle()));
    }

    private boolean send(String what, IoAction action) {
      if (!answered.compareAndSet(false, true)) {
        throw new IllegalStateException(job + " was already answered");
      }
      if (!connection.isOpen()) {
        LOG.infof("dropping %s for %s: its connection is gone, gearmand requeues it", what, job);
        return false;
      }
      try {
        action.run();
        return true;
      } catch (IOException e) {
        LOG.infof("dropping %s for %s: %s; gearmand requeues it", what, job, e.getMessage());
        connection.close(); // let the server thread notice and reconnect
        return false;
      }
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
