package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.config.MrtConfig;
import dev.mrt.config.MrtPaths;
import dev.mrt.host.HostIds;
import dev.mrt.image.PreparedImage;
import dev.mrt.network.Network;
import dev.mrt.testing.FakeImages;
import dev.mrt.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec and command check ContainerRunner does before runc: no runc is started here. */
class ContainerRunnerTest {
  @TempDir Path temp;
  private Path rootfs;
  private PreparedImage image;
  private ContainerRunner runner;

  @BeforeEach
  void setUp() throws Exception {
    rootfs = Files.createDirectories(temp.resolve("rootfs"));
    image = FakeImages.image("t", rootfs);
    MrtConfig config =
        TestConfigs.mapping(
            MrtConfig.class, Map.of("mrt.state-dir", temp.resolve("state").toString()));
    runner =
        new ContainerRunner(
            config.container(),
            MrtPaths.of(config),
            () -> temp.resolve("no-runc"),
            () -> temp.resolve("no-helper"),
            HostIds.current());
  }

  private static ContainerRequest request(String... args) {
    return new ContainerRequest(
        List.of(args),
        Map.of("A", "1"),
        Optional.of("/tmp"),
        Optional.empty(),
        Network.HOST,
        List.of());
  }

  private void executable(String path) throws Exception {
    Path file = rootfs.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void testSpec_runsTheRequestWithTheDefaults() {
    Spec spec = runner.spec(image, request("/bin/echo", "hi"));

    assertEquals(List.of("/bin/echo", "hi"), spec.process().args());
    assertTrue(spec.process().env().contains("A=1"), spec.process().env().toString());
    assertTrue(
        spec.process()
            .env()
            .contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        spec.process().env().toString());
    assertEquals("/tmp", spec.process().cwd());
    assertEquals("mrt", spec.hostname());
    assertEquals(rootfs.toString(), spec.root().path());
  }

  @Test
  void testSpec_noCommandNamesTheImage() {
    MrtException e = assertThrows(MrtException.class, () -> runner.spec(image, request()));
    assertEquals(
        "image t has no Entrypoint or Cmd; give the command to run after --", e.getMessage());
  }

  @Test
  void testCheckedSpec_missingCommandThrows() {
    CommandNotFoundException e =
        assertThrows(
            CommandNotFoundException.class, () -> runner.checkedSpec(image, request("tool")));
    assertEquals("tool", e.command());
  }

  @Test
  void testCheckedSpec_commandFoundOnPath() throws Exception {
    executable("usr/bin/tool");

    assertEquals(List.of("tool"), runner.checkedSpec(image, request("tool")).process().args());
  }

  @Test
  void testCheckedSpec_commandUnderBindMountIsNotSearched() {
    ContainerRequest onHost =
        new ContainerRequest(
            List.of("/opt/tools/run"),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Network.HOST,
            List.of(new BindMount(temp, "/opt/tools", true)));

    assertDoesNotThrow(() -> runner.checkedSpec(image, onHost));
  }
}
