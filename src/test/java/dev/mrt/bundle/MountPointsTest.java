package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.host.FileTrees;
import dev.mrt.network.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountPointsTest {
  @TempDir Path rootfs;
  @TempDir Path host;

  private Spec spec(BindMount... binds) {
    ContainerRequest r =
        new ContainerRequest(
            List.of("true"),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Network.NONE,
            List.of(binds));
    return SpecFixtures.rootful(rootfs, r, SpecFixtures.DEFAULTS);
  }

  @Test
  void testPrepare_createsMissingDirectoryAndFileMountPoints() throws Exception {
    Path file = Files.writeString(host.resolve("f.txt"), "x");
    MountPoints.prepare(
        rootfs,
        spec(
            new BindMount(host, "/opt/data/in", true),
            new BindMount(file, "/etc/tool.conf", true)));
    assertTrue(Files.isDirectory(rootfs.resolve("opt/data/in")));
    assertTrue(Files.isRegularFile(rootfs.resolve("etc/tool.conf")));
  }

  @Test
  void testPrepare_skipsWhatTmpfsCovers() throws Exception {
    MountPoints.prepare(rootfs, spec(new BindMount(host, "/run/mrt-batch", false)));
    assertFalse(Files.exists(rootfs.resolve("run/mrt-batch")));
  }

  @Test
  void testPrepare_followsSymlinksInsideTheRootOnly() throws Exception {
    Files.createDirectories(rootfs.resolve("usr/lib"));
    Files.createSymbolicLink(rootfs.resolve("lib"), Path.of("usr/lib"));
    Path outside = Files.createDirectory(host.resolve("outside"));
    Files.createSymbolicLink(rootfs.resolve("evil"), outside);
    MountPoints.prepare(rootfs, spec(new BindMount(host, "/lib/plugins", true)));
    assertTrue(Files.isDirectory(rootfs.resolve("usr/lib/plugins")));
    MrtException e =
        Assertions.assertThrows(
            MrtException.class,
            () -> MountPoints.prepare(rootfs, spec(new BindMount(host, "/evil/planted", true))));
    assertTrue(e.getMessage().contains("goes through the symlink /evil"), e.getMessage());
    assertFalse(Files.exists(outside.resolve("planted")), "wrote through a symlink to the host");
  }

  @Test
  void testPrepare_concurrentContainersBothSucceed() throws Exception {
    Spec s = spec(new BindMount(host, "/srv/a/b/c", false));
    for (int round = 0; round < 20; round++) {
      Path dir = rootfs.resolve("srv");
      if (Files.exists(dir)) {
        FileTrees.deleteTree(dir);
      }
      CompletableFuture<Void> one =
          CompletableFuture.runAsync(() -> MountPoints.prepare(rootfs, s));
      CompletableFuture<Void> two =
          CompletableFuture.runAsync(() -> MountPoints.prepare(rootfs, s));
      one.get();
      two.get();
      assertTrue(Files.isDirectory(rootfs.resolve("srv/a/b/c")));
    }
  }
}
