package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.NamespaceType;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.network.Network;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultSpecTest {

  private static List<NamespaceType> namespaces(Spec spec) {
    return spec.linux().namespaces().stream().map(n -> n.type()).toList();
  }

  private static Mount mount(Spec spec, String destination) {
    return spec.mounts().stream()
        .filter(m -> m.destination().equals(destination))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mount at " + destination));
  }

  @Test
  void testBuild_sharesRootfsReadOnly() {
    Spec spec = SpecFixtures.rootful(ContainerRequest.of("true"));
    assertEquals(SpecFixtures.ROOTFS.toString(), spec.root().path());
    assertTrue(spec.root().readonly());
    assertTrue(spec.process().noNewPrivileges());
    assertEquals(List.of("true"), spec.process().args());
    assertEquals("/", spec.process().cwd());
    assertEquals("mrt", spec.hostname());
  }

  @Test
  void testBuild_minimalCapabilities() {
    Spec spec = SpecFixtures.rootful(ContainerRequest.of("true"));
    List<String> caps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    assertEquals(caps, spec.process().capabilities().bounding());
    assertEquals(caps, spec.process().capabilities().effective());
    assertEquals(caps, spec.process().capabilities().permitted());
  }

  @Test
  void testBuild_scratchSpaceIsTmpfs() {
    Spec spec = SpecFixtures.rootful(ContainerRequest.of("true"));
    assertEquals("tmpfs", mount(spec, "/tmp").type());
    assertEquals("tmpfs", mount(spec, "/run").type());
    assertTrue(mount(spec, "/tmp").options().contains("mode=1777"));
    // Bounded: a job that fills them gets ENOSPC, not the host's memory.
    assertTrue(mount(spec, "/tmp").options().contains("size=1048576k"), spec.mounts().toString());
    assertTrue(mount(spec, "/run").options().contains("size=65536k"), spec.mounts().toString());
  }

  @Test
  void testBuild_hostNetworkHasNoNetworkNamespace() {
    Spec spec = SpecFixtures.rootful(ContainerRequest.of("true"));
    assertFalse(namespaces(spec).contains(NamespaceType.NETWORK));
    assertTrue(
        namespaces(spec)
            .containsAll(
                List.of(
                    NamespaceType.PID, NamespaceType.IPC, NamespaceType.UTS, NamespaceType.MOUNT)));
    assertFalse(namespaces(spec).contains(NamespaceType.USER));
  }

  @Test
  void testBuild_networkNoneHasNetworkNamespace() {
    ContainerRequest r =
        new ContainerRequest(
            List.of("true"), Map.of(), Optional.empty(), Optional.empty(), Network.NONE, List.of());
    Spec spec = SpecFixtures.rootful(r);
    assertTrue(namespaces(spec).contains(NamespaceType.NETWORK));
    assertTrue(spec.mounts().stream().noneMatch(m -> m.destination().equals("/etc/resolv.conf")));
  }

  @Test
  void testBuild_cgroupV2GetsCgroupNamespace() {
    Spec spec =
        SpecFixtures.rootful(
            SpecFixtures.ROOTFS,
            ContainerRequest.of("true"),
            SpecFixtures.defaults("/bin", "h", true, Limits.NONE));
    assertTrue(namespaces(spec).contains(NamespaceType.CGROUP));
  }

  @Test
  void testBuild_envOverridesDefaultsInOrder() {
    ContainerRequest r =
        new ContainerRequest(
            List.of("env"),
            new LinkedHashMap<>(Map.of("PATH", "/opt/bin")),
            Optional.of("/work"),
            Optional.of("box"),
            Network.HOST,
            List.of());
    Spec spec = SpecFixtures.rootful(r);
    assertEquals(List.of("PATH=/opt/bin", "HOME=/root", "TERM=xterm"), spec.process().env());
    assertEquals("/work", spec.process().cwd());
    assertEquals("box", spec.hostname());
  }

  @Test
  void testBuild_bindMountsArePrivateAndHonourReadOnly() {
    ContainerRequest r =
        new ContainerRequest(
            List.of("true"),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Network.HOST,
            List.of(
                new BindMount(Path.of("/srv/in"), "/in", true),
                new BindMount(Path.of("/srv/out"), "/out", false)));
    Spec spec = SpecFixtures.rootful(r);
    Mount in = mount(spec, "/in");
    assertEquals("bind", in.type());
    assertEquals("/srv/in", in.source());
    assertTrue(in.options().containsAll(List.of("rbind", "ro", "rprivate")));
    assertTrue(mount(spec, "/out").options().contains("rw"));
    // User mounts come last so they are not hidden by mrt's own.
    assertEquals("/out", spec.mounts().get(spec.mounts().size() - 1).destination());
  }

  @Test
  void testJson_roundTrips() throws Exception {
    Spec spec = SpecFixtures.rootless(ContainerRequest.of("python3", "-V"));
    String json = SpecJson.toJson(spec);
    assertTrue(json.contains("\"containerID\" : 0"), json);
    assertTrue(json.contains("\"type\" : \"user\""), json);
    assertEquals(spec, SpecJsonTest.DATABIND.readValue(json, Spec.class));
  }

  @Test
  void testJson_rootfulOmitsEmptyIdMappings() {
    String json = SpecJson.toJson(SpecFixtures.rootful(ContainerRequest.of("true")));
    assertFalse(json.contains("uidMappings"), json);
  }
}
