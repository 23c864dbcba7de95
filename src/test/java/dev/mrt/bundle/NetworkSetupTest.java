package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Capabilities;
import dev.mrt.bundle.oci.Hooks;
import dev.mrt.bundle.oci.Linux;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Namespace;
import dev.mrt.bundle.oci.NamespaceType;
import dev.mrt.bundle.oci.Process;
import dev.mrt.bundle.oci.Root;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.bundle.oci.User;
import dev.mrt.network.Endpoint;
import dev.mrt.network.EndpointRelays;
import dev.mrt.network.Network;
import dev.mrt.network.Pasta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkSetupTest {
  @TempDir Path dir;

  private Spec spec(boolean rootless) {
    List<Namespace> ns =
        rootless
            ? List.of(new Namespace(NamespaceType.NETWORK), new Namespace(NamespaceType.USER))
            : List.of(new Namespace(NamespaceType.NETWORK));
    return new Spec(
        "1.0.2",
        new Process(
            false, User.ROOT, List.of("true"), List.of(), "/", Capabilities.of(List.of()), true),
        new Root("/r", true),
        "box",
        List.of(
            new Mount("/proc", "proc", "proc", List.of()), Mount.bind("/srv/job", "/job", false)),
        new Linux(List.of(), List.of(), ns, List.of(), List.of(), null));
  }

  private NetworkSetup setup(boolean pastaThere) throws IOException {
    return setup(pastaThere, new EndpointRelays());
  }

  private NetworkSetup setup(boolean pastaThere, EndpointRelays relays) throws IOException {
    Path pasta = dir.resolve("pasta");
    if (pastaThere) {
      Files.writeString(pasta, "#!/bin/sh\n");
      Files.setAttribute(pasta, "unix:mode", 0755);
    }
    return new NetworkSetup(Pasta.locate(Optional.of(pasta)), relays, dir.resolve("network"));
  }

  private static List<String> destinations(Spec s) {
    return s.mounts().stream().map(Mount::destination).toList();
  }

  @Test
  void testNone_getsItsOwnHostsFileAndNoHook() throws IOException {
    Spec s = setup(true).apply(spec(false), Network.NONE);
    assertNull(s.hooks());
    // mrt's file goes before the job's binds, so a job's own /etc/hosts would win.
    assertEquals(List.of("/proc", "/etc/hosts", "/job"), destinations(s));
    Path hosts = Path.of(s.mounts().get(1).source());
    assertEquals(
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + "127.0.1.1\tbox\n",
        Files.readString(hosts));
    assertTrue(s.mounts().get(1).options().contains("ro"));
  }

  @Test
  void testEndpoints_forwardTheirPortsAndNameThemInHosts() throws IOException {
    try (EndpointRelays relays = new EndpointRelays()) {
      Spec s =
          setup(true, relays)
              .apply(spec(true), Network.parse("127.0.0.1:3306,storage.example:8000", "x"));
      Hooks.Hook hook = s.hooks().createRuntime().get(0);
      assertEquals("/bin/sh", hook.path());
      List<String> args = hook.args();
      assertEquals(List.of(dir.resolve("pasta").toString(), "rootless"), args.subList(4, 6));
      int relay = relays.portFor(new Endpoint("storage.example", 8000));
      assertEquals("3306,8000:" + relay, args.get(args.indexOf("-T") + 1));
      // The link stays unconfigured: nothing but the forwarded ports leads anywhere.
      assertTrue(!args.contains("--config-net"), args.toString());
      String hosts = Files.readString(Path.of(s.mounts().get(1).source()));
      assertTrue(hosts.endsWith("127.0.0.1\tstorage.example\n"), hosts);
    }
  }

  @Test
  void testPrivate_configuresTheLinkAndForwardsNothingIn() throws IOException {
    Spec s = setup(true).apply(spec(false), Network.PRIVATE);
    List<String> args = s.hooks().createRuntime().get(0).args();
    assertEquals("rootful", args.get(5));
    assertTrue(args.containsAll(List.of("--config-net", "--no-map-gw")), args.toString());
    assertEquals(
        List.of("-t", "none", "-u", "none", "-U", "none"),
        args.subList(args.indexOf("-t"), args.indexOf("-t") + 6));
  }

  @Test
  void testHost_bindsTheHostsNameFiles() throws IOException {
    Spec s = setup(false).apply(spec(false), Network.HOST);
    assertNull(s.hooks());
    for (String f : NetworkSetup.HOST_FILES) {
      if (Files.isRegularFile(Path.of(f))) {
        assertTrue(destinations(s).contains(f), f);
      }
    }
  }

  @Test
  void testUserMode_withoutPastaSaysWhatToDo() throws IOException {
    MrtException e =
        assertThrows(MrtException.class, () -> setup(false).apply(spec(false), Network.PRIVATE));
    assertTrue(e.getMessage().startsWith("network private needs pasta: pasta "), e.getMessage());
    assertTrue(e.getMessage().endsWith("; or use network none or host"), e.getMessage());
  }
}
