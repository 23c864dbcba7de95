package dev.mrt.network;

import dev.mrt.MrtException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a container reaches the network. Every kind but {@link Host} gives the container a network
 * namespace of its own, so nothing on the host's loopback (gearmand, mrt's own HTTP port, a
 * database) is reachable unless named.
 */
public sealed interface Network {
  Network HOST = new Host();
  Network NONE = new None();
  Network PRIVATE = new Private();

  /** The host's network stack, as MCPClient's tools have it: everything the host reaches. */
  record Host() implements Network {}

  /** A fresh network namespace with only loopback. */
  record None() implements Network {}

  /**
   * Outbound through user-mode networking (pasta), as podman's rootless default: the container
   * reaches what the host reaches, except the host's own loopback services.
   */
  record Private() implements Network {}

  /**
   * Loopback only, on which each named endpoint answers at its own port: a connection to {@code
   * HOST:PORT} (the name resolves to 127.0.0.1 inside) is forwarded to that endpoint and nowhere
   * else.
   */
  record Endpoints(List<Endpoint> endpoints) implements Network {
    public Endpoints {
      endpoints = List.copyOf(endpoints);
      Map<Integer, Endpoint> byPort = new HashMap<>();
      for (Endpoint e : endpoints) {
        Endpoint other = byPort.putIfAbsent(e.port(), e);
        if (other != null && !other.equals(e)) {
          // Each answers on the container's loopback at its own port: one port, one endpoint.
          throw new MrtException(
              "endpoints "
                  + other
                  + " and "
                  + e
                  + " share port "
                  + e.port()
                  + "; a container can reach one service per port");
        }
      }
    }

    /** The same endpoints and these too, each once. */
    public Endpoints plus(List<Endpoint> more) {
      List<Endpoint> all = new ArrayList<>(endpoints);
      more.stream().filter(e -> !all.contains(e)).forEach(all::add);
      return new Endpoints(all);
    }
  }

  /**
   * Whether this kind needs pasta to link the container's namespace: private does, and so do
   * endpoints unless there are none (then loopback alone is all there is).
   */
  default boolean userMode() {
    return this instanceof Private || this instanceof Endpoints e && !e.endpoints().isEmpty();
  }

  /**
   * {@code host}, {@code none}, {@code private}, or endpoints {@code HOST:PORT[,HOST:PORT...]}.
   *
   * @param where the option or setting it came from, for the error
   */
  static Network parse(String text, String where) {
    String t = text.strip();
    return switch (t) {
      case "host" -> HOST;
      case "none" -> NONE;
      case "private" -> PRIVATE;
      default -> {
        if (t.isEmpty()) {
          throw new MrtException("empty " + where + ": use host, none, private or HOST:PORT,...");
        }
        List<Endpoint> list = new ArrayList<>();
        for (String part : t.split(",")) {
          list.add(Endpoint.parse(part.strip(), where));
        }
        yield new Endpoints(list);
      }
    };
  }

  /** For logs and doctor: what a job on this network can reach. */
  default String describe() {
    if (this instanceof Host) {
      return "the host's network (everything the host reaches, its loopback too)";
    } else if (this instanceof None) {
      return "none (loopback only)";
    } else if (this instanceof Private) {
      return "private (outbound through pasta; the host's loopback unreachable)";
    }
    return "only "
        + String.join(
            ", ", ((Endpoints) this).endpoints().stream().map(Endpoint::toString).toList())
        + " (through pasta; nothing else)";
  }
}
