package dev.mrt.metrics;

import dev.mrt.pool.ContainerPool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the process answers; reports the pool so an operator sees it at a glance. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {
  private final ContainerPool pool;

  public LivenessCheck(ContainerPool pool) {
    this.pool = pool;
  }

  @Override
  public HealthCheckResponse call() {
    var s = pool.snapshot();
    return HealthCheckResponse.named("mrt")
        .withData("pool size", s.size())
        .withData("busy", s.busy())
        .withData("queued", s.queued())
        .up()
        .build();
  }
}
