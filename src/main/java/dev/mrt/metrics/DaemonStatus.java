package dev.mrt.metrics;

import dev.mrt.gearman.ServerState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What readiness depends on, as {@code mrt serve} learns it: the default rootfs prepared, a probe
 * container run, and the state of every gearmand connection.
 */
@ApplicationScoped
public class DaemonStatus {
  private volatile boolean defaultRootfsReady;
  private volatile Optional<String> probeFailure = Optional.of("not run yet");
  private volatile boolean gearmanEnabled;
  private final Map<String, ServerState> servers = new ConcurrentHashMap<>();

  /** Empty while no database is configured; else whether it was reachable, and what was seen. */
  private volatile Optional<Map.Entry<Boolean, String>> database = Optional.empty();

  public void database(boolean up, String detail) {
    database = Optional.of(Map.entry(up, detail));
  }

  public Optional<Map.Entry<Boolean, String>> database() {
    return database;
  }

  public void defaultRootfsReady() {
    defaultRootfsReady = true;
  }

  public boolean isDefaultRootfsReady() {
    return defaultRootfsReady;
  }

  /**
   * @param failure empty when the probe container ran and exited 0
   */
  public void probed(Optional<String> failure) {
    probeFailure = failure;
  }

  public Optional<String> probeFailure() {
    return probeFailure;
  }

  public void gearmanEnabled(boolean enabled) {
    gearmanEnabled = enabled;
  }

  public boolean isGearmanEnabled() {
    return gearmanEnabled;
  }

  public void server(ServerState state) {
    servers.put(state.server().toString(), state);
  }

  public Map<String, ServerState> servers() {
    return Map.copyOf(servers);
  }
}
