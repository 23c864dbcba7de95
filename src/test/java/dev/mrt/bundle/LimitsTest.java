package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Resources;
import dev.mrt.bundle.oci.Spec;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LimitsTest {
  private static Limits memory(long bytes) {
    return new Limits(OptionalLong.of(bytes), Optional.empty(), OptionalLong.empty());
  }

  @Test
  void testParse_badMemoryNamesTheSourceAndTheFormat() {
    MrtException e =
        assertThrows(
            MrtException.class,
            () ->
                Limits.parse(
                    Optional.of("lots"), Optional.empty(), OptionalLong.empty(), "--memory"));
    assertEquals(
        "bad limit in --memory: 'lots' is not a size; write e.g. 512M, 2G or a number"
            + " of bytes",
        e.getMessage());
    assertEquals(
        OptionalLong.of(3L << 29),
        Limits.parse(Optional.of("1.5g"), Optional.empty(), OptionalLong.empty(), "--memory")
            .memoryBytes());
  }

  @Test
  void testNew_refusesLimitsNoContainerCanRunUnder() {
    assertThrows(IllegalArgumentException.class, () -> memory(1024));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Limits(OptionalLong.empty(), Optional.of(0.0), OptionalLong.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Limits(OptionalLong.empty(), Optional.empty(), OptionalLong.of(0)));
  }

  @Test
  void testOverriddenBy_eachLimitFallsBackSeparately() {
    Limits configured =
        new Limits(OptionalLong.of(1L << 30), Optional.of(2.0), OptionalLong.empty());
    Limits asked = new Limits(OptionalLong.empty(), Optional.of(0.5), OptionalLong.of(64));

    Limits result = configured.overriddenBy(asked);

    assertEquals(
        new Limits(OptionalLong.of(1L << 30), Optional.of(0.5), OptionalLong.of(64)), result);
    assertEquals(configured, configured.overriddenBy(Limits.NONE));
  }

  @Test
  void testToResources_cpuAsQuotaOverTheDockerPeriod() {
    Resources r =
        new Limits(OptionalLong.of(256L << 20), Optional.of(1.5), OptionalLong.of(100))
            .toResources()
            .orElseThrow();

    assertEquals(new Resources.Memory(256L << 20, 256L << 20), r.memory(), "no swap beyond it");
    assertEquals(new Resources.Cpu(150_000, 100_000), r.cpu());
    assertEquals(new Resources.Pids(100), r.pids());
    assertTrue(Limits.NONE.toResources().isEmpty());
  }

  @Test
  void testSpec_resourcesOnlyWhenLimited() throws Exception {
    Spec unlimited = SpecFixtures.rootful(ContainerRequest.of("true"));
    assertNull(unlimited.linux().resources());
    assertTrue(!SpecJson.toJson(unlimited).contains("resources"));

    Spec limited =
        SpecFixtures.rootful(
            ContainerRequest.of("true")
                .withLimits(
                    new Limits(OptionalLong.empty(), Optional.empty(), OptionalLong.of(8))));
    JsonNode resources =
        new ObjectMapper().readTree(SpecJson.toJson(limited)).get("linux").get("resources");
    assertEquals("{\"pids\":{\"limit\":8}}", resources.toString());
  }

  @Test
  void testSpec_requestLimitsOverConfiguredOnes() {
    DefaultSpec.Defaults defaults = SpecFixtures.defaults("/bin", "h", false, memory(1L << 30));

    Spec spec =
        SpecFixtures.rootful(
            SpecFixtures.ROOTFS,
            ContainerRequest.of("true").withLimits(memory(64L << 20)),
            defaults);
    Spec configured =
        SpecFixtures.rootful(SpecFixtures.ROOTFS, ContainerRequest.of("true"), defaults);

    assertEquals(64L << 20, spec.linux().resources().memory().limit());
    assertEquals(1L << 30, configured.linux().resources().memory().limit());
  }
}
