package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt.bundle.oci.IdMapping;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.NamespaceType;
import dev.mrt.bundle.oci.Rlimit;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.network.Network;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RootlessTest {

  @Test
  void testToRootless_chainValidates() {
    Spec spec = SpecFixtures.rootless(ContainerRequest.of("true"));
    assertEquals(spec, SpecValidator.validate(spec));
  }

  @Test
  void testToRootless_mapsCallerToRoot() {
    Spec spec = SpecFixtures.rootless(ContainerRequest.of("true"));
    assertEquals(List.of(new IdMapping(0, 1000, 1)), spec.linux().uidMappings());
    assertEquals(List.of(new IdMapping(0, 1001, 1)), spec.linux().gidMappings());
    assertEquals(
        1, spec.linux().namespaces().stream().filter(n -> n.type() == NamespaceType.USER).count());
  }

  @Test
  void testToRootless_bindsSysAndDropsCgroupMount() {
    Spec spec = SpecFixtures.rootless(ContainerRequest.of("true"));
    Mount sys =
        spec.mounts().stream()
            .filter(m -> m.destination().equals("/sys"))
            .findFirst()
            .orElseThrow();
    assertEquals("/sys", sys.source());
    assertTrue(sys.options().containsAll(List.of("rbind", "ro")));
    assertTrue(spec.mounts().stream().noneMatch(m -> m.type().equals("cgroup")));
  }

  @Test
  void testToRootless_removesIdMountOptions() {
    Spec spec = SpecFixtures.rootless(ContainerRequest.of("true"));
    for (Mount m : spec.mounts()) {
      assertTrue(
          m.options().stream().noneMatch(o -> o.startsWith("gid=") || o.startsWith("uid=")),
          m.toString());
    }
  }

  @Test
  void testToRootless_hostNetworkStaysShared() {
    Spec spec = SpecFixtures.rootless(ContainerRequest.of("true"));
    assertFalse(
        spec.linux().namespaces().stream().anyMatch(n -> n.type() == NamespaceType.NETWORK));
  }

  @Test
  void testToRootless_keepsRequestedNetworkNamespace() {
    ContainerRequest r =
        new ContainerRequest(
            List.of("true"), Map.of(), Optional.empty(), Optional.empty(), Network.NONE, List.of());
    Spec spec = SpecFixtures.rootless(r);
    assertTrue(spec.linux().namespaces().stream().anyMatch(n -> n.type() == NamespaceType.NETWORK));
  }

  @Test
  void testToRootless_leavesInputUnchanged() {
    Spec rootful = SpecFixtures.rootful(ContainerRequest.of("true"));
    String before = SpecJson.toJson(rootful);
    Rootless.toRootless(rootful, 1000, 1000);
    assertEquals(before, SpecJson.toJson(rootful));
  }

  @Test
  void testToRootless_isIdempotent() {
    Spec once = SpecFixtures.rootless(ContainerRequest.of("true"));
    assertEquals(once, Rootless.toRootless(once, 1000, 1001));
  }

  @Test
  void testToRootless_pidsLimitBecomesNprocInTheJobsUserNamespace() {
    ContainerRequest limited =
        ContainerRequest.of("true")
            .withLimits(new Limits(OptionalLong.empty(), Optional.empty(), OptionalLong.of(64)));
    Spec spec = SpecFixtures.rootless(limited);
    assertEquals(List.of(Rlimit.nproc(64)), spec.process().rlimits());
    assertEquals(null, spec.linux().resources(), "no cgroup left to set");
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(SpecJson.toJson(spec));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertEquals(
        "[{\"type\":\"RLIMIT_NPROC\",\"hard\":64,\"soft\":64}]",
        json.path("process").path("rlimits").toString());
    // Memory stays a cgroup limit: only cgroups can hold it.
    ContainerRequest both =
        ContainerRequest.of("true")
            .withLimits(
                new Limits(OptionalLong.of(64L << 20), Optional.empty(), OptionalLong.of(8)));
    Spec mixed = SpecFixtures.rootless(both);
    assertEquals(64L << 20, mixed.linux().resources().memory().limit());
    assertEquals(null, mixed.linux().resources().pids());
    assertEquals(mixed, Rootless.toRootless(mixed, 1000, 1001), "idempotent");
    // Rootful keeps the cgroup, and no rlimit.
    assertEquals(List.of(), SpecFixtures.rootful(limited).process().rlimits());
    assertFalse(
        SpecJson.toJson(SpecFixtures.rootful(ContainerRequest.of("true"))).contains("rlimits"));
  }
}
