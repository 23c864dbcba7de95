package dev.mrt.archivematica;

import java.time.Duration;
import java.util.Collection;

/** Observes finished batches (MCPClient's metrics are per batch). Must be quick. */
@FunctionalInterface
public interface BatchListener {
  void batchFinished(String function, Collection<TaskResult> results, Duration duration);
}
