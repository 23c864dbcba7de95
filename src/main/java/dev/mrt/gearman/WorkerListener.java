package dev.mrt.gearman;

/**
 * Hook for metrics and health checks. Called on the server's own thread, once per state change
 * (never once per retry), so it must be quick and must not throw.
 */
@FunctionalInterface
public interface WorkerListener {
  void onStateChange(ServerState state);
}
