package dev.mrt.gearman;

import dev.mrt.MrtException;
import java.util.Objects;

/**
 * One gearmand to serve, as operators write it: {@code host:port}, {@code host}, {@code
 * [::1]:4730}.
 */
public record ServerAddress(String host, int port) {
  /** gearmand's IANA port, also Archivematica's default. */
  public static final int DEFAULT_PORT = 4730;

  public ServerAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("bad gearman server " + host + ":" + port);
    }
  }

  /**
   * Parses {@code host[:port]}; IPv6 literals go in brackets.
   *
   * @throws MrtException naming the text when it is not an address
   */
  public static ServerAddress parse(String text) {
    String trimmed = text.trim();
    String host = trimmed;
    String port = null;
    if (trimmed.startsWith("[")) {
      int close = trimmed.indexOf(']');
      if (close < 0) {
        throw invalid(text);
      }
      host = trimmed.substring(1, close);
      String rest = trimmed.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid(text);
        }
        port = rest.substring(1);
      }
    } else if (trimmed.indexOf(':') >= 0) {
      if (trimmed.indexOf(':') != trimmed.lastIndexOf(':')) {
        throw invalid(text); // bare IPv6 literal: ambiguous without brackets
      }
      host = trimmed.substring(0, trimmed.indexOf(':'));
      port = trimmed.substring(trimmed.indexOf(':') + 1);
    }
    try {
      return new ServerAddress(host, port == null ? DEFAULT_PORT : Integer.parseInt(port));
    } catch (IllegalArgumentException e) {
      throw invalid(text);
    }
  }

  private static MrtException invalid(String text) {
    return new MrtException(
        "invalid gearman server '" + text + "'; write host:port, e.g. localhost:4730");
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
