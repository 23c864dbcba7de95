package dev.mrt.host;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** This process's ids as a bean, read once: components are given them rather than reading. */
public class HostProducer {
  @Produces
  @Singleton
  HostIds hostIds() {
    return HostIds.current();
  }
}
