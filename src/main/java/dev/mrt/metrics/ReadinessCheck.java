package dev.mrt.metrics;

import dev.mrt.gearman.ServerState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when jobs would run: the default rootfs is prepared, a probe container ran at start,
 * (with Gearman on) at least one gearmand connection is up, and (with a database configured) the
 * Tasks table was reachable at the last try. The data says which failed.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
  private final DaemonStatus status;

  public ReadinessCheck(DaemonStatus status) {
    this.status = status;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder r = HealthCheckResponse.named("mrt");
    boolean up = true;
    String defaultRootfs = status.isDefaultRootfsReady() ? "prepared" : "not prepared";
    r.withData("default-rootfs", defaultRootfs);
    // Deprecated name of the same check, for probes that read it; goes in a later release.
    r.withData("default-bundle", defaultRootfs);
    up &= status.isDefaultRootfsReady();
    r.withData(
        "runtime",
        status.probeFailure().map(f -> "probe failed: " + f).orElse("probe container ran"));
    up &= status.probeFailure().isEmpty();
    if (status.isGearmanEnabled()) {
      Map<String, ServerState> servers = status.servers();
      long connected =
          servers.values().stream().filter(s -> s.status() == ServerState.Status.CONNECTED).count();
      servers.forEach(
          (name, s) ->
              r.withData(
                  "gearman " + name,
                  s.status().name().toLowerCase() + s.lastError().map(e -> ": " + e).orElse("")));
      r.withData("gearman", connected + " of " + servers.size() + " servers connected");
      up &= connected > 0;
    }
    // MCPClient's scripts cannot run without their database either: not ready while it is away.
    if (status.database().isPresent()) {
      var db = status.database().get();
      r.withData("database", (db.getKey() ? "up: " : "down: ") + db.getValue());
      up &= db.getKey();
    }
    return r.status(up).build();
  }
}
