package dev.mrt.gearman;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * One TCP connection from a worker to one gearmand, speaking the worker's side of the protocol as
 * MCPClient does (SET_CLIENT_ID, RESET_ABILITIES, CAN_DO, PRE_SLEEP, GRAB_JOB_UNIQ...).
 *
 * <p>Threads: one thread reads (the server's worker thread); any thread may write, since replies
 * come from the threads that ran the jobs. Writes are serialised so packets never interleave.
 */
public final class GearmanWorkerConnection implements Closeable {
  private final ServerAddress server;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final PacketCodec codec;
  private final int replyTimeoutMillis;
  private final Object writeLock = new Object();
  private volatile boolean open = true;

  private GearmanWorkerConnection(
      ServerAddress server, Socket socket, PacketCodec codec, Duration replyTimeout)
      throws IOException {
    this.server = server;
    this.replyTimeoutMillis = (int) Math.max(1, replyTimeout.toMillis());
    this.socket = socket;
    this.codec = codec;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream());
  }

  /**
   * Connects with TCP_NODELAY (packets are small and latency-bound) and keep-alive.
   *
   * @param replyTimeout how long the rest of a packet may take once its first byte arrived
   */
  public static GearmanWorkerConnection open(
      ServerAddress server, Duration connectTimeout, Duration replyTimeout, PacketCodec codec)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(
          new InetSocketAddress(server.host(), server.port()), (int) connectTimeout.toMillis());
      return new GearmanWorkerConnection(server, socket, codec, replyTimeout);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  public ServerAddress server() {
    return server;
  }

  public boolean isOpen() {
    return open;
  }

  /** SET_CLIENT_ID, RESET_ABILITIES, one CAN_DO per function: MCPClient's registration. */
  public void register(String clientId, Collection<String> functions) throws IOException {
    send(Packet.request(PacketType.SET_CLIENT_ID, clientId));
    send(Packet.request(PacketType.RESET_ABILITIES));
    for (String function : functions) {
      send(Packet.request(PacketType.CAN_DO, function));
    }
  }

  /** Asks to be woken with NOOP when a job for one of our functions arrives. */
  public void preSleep() throws IOException {
    send(Packet.request(PacketType.PRE_SLEEP));
  }

  /** Sends GRAB_JOB_UNIQ; the answer (JOB_ASSIGN_UNIQ or NO_JOB) comes through {@link #read}. */
  public void grabJob() throws IOException {
    send(Packet.request(PacketType.GRAB_JOB_UNIQ));
  }

  /** Sends ECHO_REQ; the ECHO_RES comes through {@link #read}. */
  public void echo(String payload) throws IOException {
    send(Packet.request(PacketType.ECHO_REQ, payload));
  }

  public void workComplete(String handle, byte[] data) throws IOException {
    send(Packet.request(PacketType.WORK_COMPLETE, handle, data));
  }

  public void workFail(String handle) throws IOException {
    send(Packet.request(PacketType.WORK_FAIL, handle));
  }

  /** Writes one packet; safe from any thread. */
  public void send(Packet packet) throws IOException {
    synchronized (writeLock) {
      if (!open) {
        throw new IOException("connection to " + server + " is closed");
      }
      codec.write(packet, out);
    }
  }

  /**
   * Reads the next packet, waiting up to {@code timeout}; empty when nothing arrived in time. Only
   * the worker thread of this connection calls it.
   */
  public Optional<Packet> read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      in.mark(PacketCodec.HEADER_SIZE);
      if (in.read() < 0) {
        throw new EOFException("gearman peer " + server + " closed the connection");
      }
      in.reset();
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
    // A packet has started: the rest of it must follow within the reply timeout.
    socket.setSoTimeout(replyTimeoutMillis);
    return Optional.of(codec.read(in));
  }

  /** Idempotent; a reply racing with close fails with an IOException and is dropped. */
  @Override
  public void close() {
    open = false;
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing left to do with a socket that cannot even be closed.
    }
  }
}
