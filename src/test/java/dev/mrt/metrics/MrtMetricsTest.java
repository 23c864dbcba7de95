package dev.mrt.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.archivematica.TaskResult;
import dev.mrt.bundle.ContainerRequest;
import dev.mrt.image.PreparedImage;
import dev.mrt.pool.CapturedOutput;
import dev.mrt.pool.PoolTask;
import dev.mrt.pool.TaskOutcome;
import dev.mrt.runtime.ContainerExit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The series mrt exports, in a registry of the test's own. */
class MrtMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MrtMetrics metrics = new MrtMetrics(registry, new DaemonStatus());

  private static PoolTask task(String group) {
    return new PoolTask(
        new PreparedImage("t", "sha256:0", Path.of("/")),
        ContainerRequest.of("x"),
        Optional.empty(),
        group,
        OptionalInt.empty(),
        1024);
  }

  private static TaskOutcome outcome(ContainerExit exit, CapturedOutput stdout) {
    return new TaskOutcome(
        exit, stdout, CapturedOutput.EMPTY, Duration.ofMillis(3), Duration.ofSeconds(2));
  }

  private double tasks(String outcome) {
    return registry.get("mrt.tasks").tag("outcome", outcome).counter().count();
  }

  @Test
  void testOutcomeOf_eachExitCountsUnderOne() {
    assertEquals(MrtMetrics.Outcome.OK, MrtMetrics.outcomeOf(new ContainerExit.Exited(0)));
    assertEquals(MrtMetrics.Outcome.NONZERO, MrtMetrics.outcomeOf(new ContainerExit.Exited(2)));
    assertEquals(
        MrtMetrics.Outcome.TIMEOUT,
        MrtMetrics.outcomeOf(new ContainerExit.TimedOut(Duration.ofSeconds(1))));
    assertEquals(
        MrtMetrics.Outcome.START_FAILED,
        MrtMetrics.outcomeOf(new ContainerExit.FailedToStart("no", 1)));
    assertEquals(
        MrtMetrics.Outcome.KILLED, MrtMetrics.outcomeOf(new ContainerExit.Killed("DELETE")));
  }

  @Test
  void testConstructor_registersEveryOutcomeAtZero() {
    for (MrtMetrics.Outcome o : MrtMetrics.Outcome.values()) {
      assertEquals(0.0, tasks(o.name().toLowerCase()));
    }
  }

  @Test
  void testTaskFinished_countsOutcomeDurationStartAndTruncation() {
    metrics.taskFinished(
        task("a_v0.0"), outcome(new ContainerExit.Exited(0), CapturedOutput.of("long output", 4)));
    metrics.taskFinished(
        task("a_v0.0"), outcome(new ContainerExit.Exited(1), CapturedOutput.EMPTY));

    assertEquals(1.0, tasks("ok"));
    assertEquals(1.0, tasks("nonzero"));
    assertEquals(1.0, registry.get("mrt.tasks.output.truncated").counter().count());
    assertEquals(2, registry.get("mrt.task.duration").tag("function", "a_v0.0").timer().count());
    assertEquals(2, registry.get("mrt.container.start").timer().count());
  }

  @Test
  void testBatchFinished_countsJobsAndErrorsPerScript() {
    Instant now = Instant.now();
    metrics.batchFinished(
        "a_v0.0",
        List.of(new TaskResult(0, now, "", ""), new TaskResult(3, now, "", "")),
        Duration.ofSeconds(4));

    assertEquals(2.0, registry.get("mcpclient.job").tag("script_name", "a_v0.0").counter().count());
    assertEquals(
        1.0, registry.get("mcpclient.job.error").tag("script_name", "a_v0.0").counter().count());
    assertEquals(
        1,
        registry.get("mcpclient.task.execution.time").tag("script_name", "a_v0.0").timer().count());
  }

  @Test
  void testImages_rootfsCacheSeriesAndTheirDeprecatedBundleNamesAgree() {
    assertEquals(0.0, registry.get("mrt.rootfs.cache.hits").counter().count());

    metrics.images().hit("default");
    metrics.images().hit("default");
    metrics.images().miss("tools", 4096);

    assertEquals(2.0, registry.get("mrt.rootfs.cache.hits").counter().count());
    assertEquals(1.0, registry.get("mrt.rootfs.cache.misses").counter().count());
    assertEquals(4096.0, registry.get("mrt.rootfs.cache").gauge().value());
    assertEquals(2.0, registry.get("mrt.bundle.cache.hits").functionCounter().count());
    assertEquals(1.0, registry.get("mrt.bundle.cache.misses").functionCounter().count());
    assertEquals(4096.0, registry.get("mrt.bundle.cache").gauge().value());
  }

  private MrtMetrics scraped;

  /** The names as scraped: what README documents and dashboards read. */
  @Test
  void testImages_prometheusNamesOldAndNew() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Held in a field: gauges keep only a weak reference, and serve's bean is held for its life.
    scraped = new MrtMetrics(prometheus, new DaemonStatus());
    scraped.images().miss("tools", 10);
    System.gc(); // a collection before the scrape must not turn the bytes gauge into NaN

    String scrape = prometheus.scrape();
    for (String name :
        List.of(
            "mrt_rootfs_cache_hits_total 0.0",
            "mrt_rootfs_cache_misses_total 1.0",
            "mrt_rootfs_cache_bytes 10.0",
            "mrt_bundle_cache_hits_total 0.0",
            "mrt_bundle_cache_misses_total 1.0",
            "mrt_bundle_cache_bytes 10.0")) {
      assertTrue(scrape.contains("\n" + name + "\n"), () -> name + " in\n" + scrape);
    }
  }
}
