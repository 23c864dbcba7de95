package dev.mrt.bundle;

/** How a container reaches the network. */
public enum Network {
  /** The host's network stack, as MCPClient's tools have it. */
  HOST,
  /** A fresh network namespace with only loopback. */
  NONE
}
