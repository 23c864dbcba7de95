package dev.mrt.network;

import dev.mrt.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * A relay on the host's loopback for each endpoint that is not itself on it: pasta forwards a
 * container's loopback port to the host's loopback only, and the relay carries it on to the one
 * endpoint it was made for. One per endpoint, for the life of the process.
 */
public final class EndpointRelays implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EndpointRelays.class);
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final Map<Endpoint, ServerSocket> relays = new ConcurrentHashMap<>();

  /** The host loopback port at which {@code endpoint} is reached. */
  public int portFor(Endpoint endpoint) {
    if (endpoint.loopback()) {
      return endpoint.port();
    }
    return relays.computeIfAbsent(endpoint, this::open).getLocalPort();
  }

  private ServerSocket open(Endpoint endpoint) {
    try {
      ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
      DaemonThreads.start("mrt-relay-" + endpoint, () -> accept(server, endpoint));
      LOG.debugf("relaying 127.0.0.1:%d to %s", server.getLocalPort(), endpoint);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a relay for " + endpoint, e);
    }
  }

  private static void accept(ServerSocket server, Endpoint endpoint) {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        DaemonThreads.start("mrt-relay-conn", () -> relay(in, endpoint));
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warnf("relay for %s: %s", endpoint, e.getMessage());
        }
      }
    }
  }

  private static void relay(Socket in, Endpoint endpoint) {
    try (in;
        Socket out = new Socket()) {
      out.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), CONNECT_TIMEOUT_MS);
      Thread back = DaemonThreads.start("mrt-relay-back", () -> copy(out, in));
      copy(in, out);
      back.join();
    } catch (IOException e) {
      LOG.debugf("relay to %s: %s", endpoint, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies until end of stream, then half-closes the far side so the peer sees it too. */
  private static void copy(Socket from, Socket to) {
    byte[] buf = new byte[32 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // One side went away: closing both (by the caller) ends the other direction.
      closeQuietly(to);
      closeQuietly(from);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Already gone.
    }
  }

  @Override
  public void close() {
    relays
        .values()
        .forEach(
            s -> {
              try {
                s.close();
              } catch (IOException ignored) {
                // Closing at shutdown: nothing to do about it.
              }
            });
  }
}
