package dev.mrt.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** What /q/health/ready says, from the daemon's status alone. */
class ReadinessCheckTest {
  private final DaemonStatus status = new DaemonStatus();

  private Map<String, Object> data() {
    return new ReadinessCheck(status).call().getData().orElseThrow();
  }

  @Test
  void testCall_defaultRootfsUnderItsNameAndTheDeprecatedOne() {
    assertEquals("not prepared", data().get("default-rootfs"));
    assertEquals("not prepared", data().get("default-bundle"));

    status.defaultRootfsReady();
    status.probed(Optional.empty());

    HealthCheckResponse up = new ReadinessCheck(status).call();
    assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
    assertEquals("prepared", data().get("default-rootfs"));
    assertEquals("prepared", data().get("default-bundle"));
  }
}
