package dev.mrt.metrics;

import dev.mrt.pool.WarmListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Warm starts: how often a task found its container ready, and what was thrown away. */
@ApplicationScoped
public class WarmMetrics implements WarmListener {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer waited;

  public WarmMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.waited =
        Timer.builder("mrt.warm.wait")
            .description("How long a task that got a warm container waited for it to be ready")
            .serviceLevelObjectives(MrtMetrics.START_BUCKETS)
            .register(registry);
  }

  @Override
  public void hit(String group, Duration wait) {
    counter("mrt.warm.hits", "Tasks that got a container started before them", "function", group)
        .increment();
    waited.record(wait);
  }

  @Override
  public void miss(String group) {
    counter(
            "mrt.warm.misses",
            "Tasks that found no warm container and got one made for them",
            "function",
            group)
        .increment();
  }

  @Override
  public void discarded(String group, String reason) {
    counter(
            "mrt.warm.discards",
            "Warm containers removed without a task (expired, superseded, unused,"
                + " dead, shutdown)",
            "reason",
            reason)
        .increment();
  }

  /** One counter per name and tag value, looked up once. */
  private Counter counter(String name, String description, String tag, String value) {
    return counters.computeIfAbsent(
        name + "\0" + value,
        k -> Counter.builder(name).description(description).tag(tag, value).register(registry));
  }
}
