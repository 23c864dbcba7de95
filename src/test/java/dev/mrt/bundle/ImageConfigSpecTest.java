package dev.mrt.bundle;

import static dev.mrt.bundle.ContainerRequest.RootlessUser.REFUSE;
import static dev.mrt.bundle.ContainerRequest.RootlessUser.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.bundle.oci.User;
import dev.mrt.image.ImageConfig;
import dev.mrt.image.PreparedImage;
import dev.mrt.network.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an image's config shapes a job's spec, and how its User resolves. */
class ImageConfigSpecTest {
  private static final DefaultSpec.Defaults DEFAULTS = SpecFixtures.DEFAULTS;

  private static ImageConfig config(List<String> entrypoint, List<String> cmd, String user) {
    return new ImageConfig(
        List.of("PATH=/opt/bin:/bin", "LANG=C.UTF-8", "MODE=image"),
        entrypoint,
        cmd,
        Optional.of("/srv"),
        Optional.ofNullable(user),
        List.of());
  }

  private static ContainerRequest request(List<String> args, Map<String, String> env) {
    return new ContainerRequest(
        args, env, Optional.empty(), Optional.empty(), Network.HOST, List.of());
  }

  @Test
  void testBuild_imageEnvUnderRequestEnvAndWorkingDir() {
    Spec spec =
        DefaultSpec.build(
            Path.of("/r"),
            config(List.of(), List.of("sh"), null),
            User.ROOT,
            request(List.of("true"), Map.of("MODE", "job")),
            DEFAULTS);
    assertEquals(
        List.of("PATH=/opt/bin:/bin", "HOME=/root", "TERM=xterm", "LANG=C.UTF-8", "MODE=job"),
        spec.process().env());
    assertEquals("/srv", spec.process().cwd());
  }

  @Test
  void testBuild_commandReplacesEntrypointAndCmd_elseBoth() {
    ImageConfig c = config(List.of("/entry.sh"), List.of("serve", "--port=1"), null);
    assertEquals(
        List.of("python3", "-V"),
        DefaultSpec.build(
                Path.of("/r"), c, User.ROOT, request(List.of("python3", "-V"), Map.of()), DEFAULTS)
            .process()
            .args());
    assertEquals(
        List.of("/entry.sh", "serve", "--port=1"),
        DefaultSpec.build(Path.of("/r"), c, User.ROOT, request(List.of(), Map.of()), DEFAULTS)
            .process()
            .args());
  }

  @Test
  void testImageUser_numericNamesAndRootless(@TempDir Path rootfs) throws IOException {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(
        rootfs.resolve("etc/passwd"),
        "root:x:0:0::/root:/bin/sh\n" + "app:x:1000:1001::/home/app:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nstaff:x:50:\n");
    assertEquals(new User(1000, 1001), ImageUser.resolve(image(rootfs, "app"), false, REFUSE));
    assertEquals(new User(1000, 50), ImageUser.resolve(image(rootfs, "app:staff"), false, REFUSE));
    assertEquals(new User(7, 8), ImageUser.resolve(image(rootfs, "7:8"), false, REFUSE));
    assertEquals(new User(1000, 1001), ImageUser.resolve(image(rootfs, "1000"), false, REFUSE));
    assertEquals(User.ROOT, ImageUser.resolve(image(rootfs, "root"), true, REFUSE));
    MrtException rootless =
        assertThrows(
            MrtException.class, () -> ImageUser.resolve(image(rootfs, "app"), true, REFUSE));
    // Rootless callers that accept root (the Archivematica runner) get it, whatever the image says.
    assertEquals(User.ROOT, ImageUser.resolve(image(rootfs, "app"), true, ROOT));
    assertEquals(new User(1000, 1001), ImageUser.resolve(image(rootfs, "app"), false, ROOT));
    assertEquals(
        "image img runs as user app (1000:1001), but rootless containers have only root"
            + " (0:0); run mrt as root or use an image whose User is root",
        rootless.getMessage());
    MrtException unknown =
        assertThrows(
            MrtException.class, () -> ImageUser.resolve(image(rootfs, "nobody"), false, REFUSE));
    assertEquals(
        "image img runs as user 'nobody', which its /etc/passwd does not define; fix the"
            + " image's User",
        unknown.getMessage());
  }

  @Test
  void testImageUser_symlinkedPasswdDefinesNothing(@TempDir Path rootfs) throws IOException {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/etc/passwd"));
    assertThrows(MrtException.class, () -> ImageUser.resolve(image(rootfs, "root"), false, REFUSE));
  }

  private static PreparedImage image(Path rootfs, String user) {
    return new PreparedImage(
        "img",
        "sha256:0",
        rootfs,
        new ImageConfig(
            List.of(), List.of(), List.of(), Optional.empty(), Optional.of(user), List.of()));
  }
}
