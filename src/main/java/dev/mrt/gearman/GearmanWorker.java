package dev.mrt.gearman;

import dev.mrt.DaemonThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A Gearman worker serving several gearmand servers at once, one platform thread per server.
 *
 * <p>Each server thread connects, registers the functions, then takes jobs in a {@link GrabSession}
 * until the connection fails or grabbing stops. A lost connection is re-established with capped
 * exponential backoff; jobs whose connection died before their reply are dropped, because gearmand
 * has already requeued them.
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
            new GrabSession(server, conn, handler, options, () -> grabbing).serve();
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

    void closeConnection() {
      GearmanWorkerConnection conn = connection;
      if (conn != null) {
        conn.close();
      }
    }
  }
}
