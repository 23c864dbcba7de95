package dev.mrt.network;

import dev.mrt.MrtException;

/**
 * A service a container may reach, {@code HOST:PORT} (TCP), e.g. the database of Archivematica's
 * scripts. Inside the container the name resolves to loopback, where the port is forwarded.
 */
public record Endpoint(String host, int port) {

  public Endpoint {
    if (host.isBlank() || !host.matches("[A-Za-z0-9.:_-]+")) {
      throw new MrtException("bad endpoint host '" + host + "': give a name or an address");
    }
    if (port < 1 || port > 65535) {
      throw new MrtException("bad endpoint port " + port + ": use 1-65535");
    }
    if (!isLoopback(host) && !isName(host)) {
      // Inside, only a name can be pointed at the forwarded port (an address has no route).
      throw new MrtException(
          "endpoint "
              + host
              + ":"
              + port
              + " is an address; give it by a"
              + " host name the host resolves, or use 127.0.0.1 for the host's own loopback");
    }
  }

  /** {@code HOST:PORT} or {@code [V6]:PORT}. */
  public static Endpoint parse(String text, String where) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new MrtException(
          "bad "
              + where
              + " '"
              + text
              + "': use host, none, private or"
              + " endpoints as HOST:PORT[,HOST:PORT...]");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new Endpoint(host, Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new MrtException("bad " + where + " '" + text + "': the port must be a number");
    }
  }

  /** Whether it is on the host's own loopback, so pasta forwards to it with no relay between. */
  public boolean loopback() {
    return isLoopback(host);
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
  }

  /** Whether this names the service at {@code otherHost:otherPort} (loopback spellings are one). */
  public boolean is(String otherHost, int otherPort) {
    return port == otherPort
        && (isLoopback(host) && isLoopback(otherHost) || host.equalsIgnoreCase(otherHost));
  }

  /** Whether the name must be given an /etc/hosts line inside (addresses need none). */
  public boolean named() {
    return isName(host) && !host.equals("localhost");
  }

  private static boolean isName(String host) {
    return !host.matches("[0-9.]+") && !host.contains(":");
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
