package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import dev.mrt.bundle.BindMount;
import dev.mrt.image.ImageConfig;
import dev.mrt.image.PreparedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarnessRunnerTest {
  @Test
  void testCommand_theImagesPythonThenTheMountedRunner() {
    assertEquals(
        List.of("python3", "/run/mrt-runner/mcpclient-runner.py"),
        HarnessRunner.command("python3"));
    assertEquals(
        List.of("pyenv", "exec", "python3", "/run/mrt-runner/mcpclient-runner.py"),
        HarnessRunner.command("pyenv exec python3"));
    MrtException e = assertThrows(MrtException.class, () -> HarnessRunner.command(" "));
    assertEquals(
        "mrt.archivematica.python is empty; set it to the image's Python, e.g. python3",
        e.getMessage());
  }

  @Test
  void testWarmCommand_theRunnerSetsTheModuleUpThenWaits() {
    assertEquals(
        List.of(
            "python3", "/run/mrt-runner/mcpclient-runner.py", "--warm", "clientScripts.normalize"),
        HarnessRunner.warmCommand(HarnessRunner.command("python3"), "clientScripts.normalize"));
  }

  @Test
  void testMount_theRunnersDirectoryReadOnly() {
    assertEquals(
        new BindMount(Path.of("/cache/runner/ab"), "/run/mrt-runner", true),
        HarnessRunner.mount(Path.of("/cache/runner/ab/mcpclient-runner.py")));
  }

  @Test
  void testEnvironment_mcpClientsVariablesAndMrtsMounts() {
    Map<String, String> host = new LinkedHashMap<>();
    host.put("HOME", "/root");
    host.put("ARCHIVEMATICA_MCPCLIENT_CLIENT_PASSWORD", "s3cret");
    host.put("ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_SHAREDDIRECTORYMOUNTED", "/elsewhere/");
    host.put("ARCHIVEMATICA_DASHBOARD_CLIENT_USER", "dash");
    host.put("DJANGO_SETTINGS_MODULE", "settings.production");
    assertEquals(
        Map.of(
            "ARCHIVEMATICA_MCPCLIENT_CLIENT_PASSWORD", "s3cret",
            "DJANGO_SETTINGS_MODULE", "settings.production",
            // Where mrt mounts them is where the scripts must look.
            "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_SHAREDDIRECTORYMOUNTED", "/var/am/shared/",
            "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_CLIENTASSETSDIRECTORY", "/assets/"),
        HarnessRunner.environment(host, "/var/am/shared", Optional.of("/assets")));
    assertEquals(
        Map.of("ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_SHAREDDIRECTORYMOUNTED", "/s/"),
        HarnessRunner.environment(Map.of(), "/s/", Optional.empty()));
  }

  private static PreparedImage image(Path rootfs, String... env) {
    return new PreparedImage(
        "img",
        "sha256:0",
        rootfs,
        new ImageConfig(
            List.of(env), List.of(), List.of(), Optional.empty(), Optional.empty(), List.of()));
  }

  @Test
  void testModulesOf_theFileTheImageNamesFollowingLinksInsideIt(@TempDir Path rootfs)
      throws IOException {
    Files.createDirectories(rootfs.resolve("src/lib"));
    Files.writeString(
        rootfs.resolve("src/lib/modules"), "[supportedBatchCommands]\nEchoArgs_v0.0 = echo_args\n");
    // Absolute links resolve inside the image, never on the host.
    Files.createSymbolicLink(rootfs.resolve("src/lib/link"), Path.of("/src/lib/modules"));
    ClientModules m =
        HarnessRunner.modulesOf(
            image(rootfs, "ARCHIVEMATICA_MCPCLIENT_ARCHIVEMATICACLIENTMODULES=/src/lib/link"),
            "img",
            Path.of("/x"));
    assertEquals(Map.of("echoargs_v0.0", "echo_args"), m.modules());
  }

  @Test
  void testModulesOf_noneNamedOrMissingSaysWhatToSet(@TempDir Path rootfs) {
    MrtException none =
        assertThrows(
            MrtException.class,
            () -> HarnessRunner.modulesOf(image(rootfs, "PATH=/bin"), "img", Path.of("/etc/m")));
    assertEquals(
        "client modules file /etc/m does not exist, and image img names none in its"
            + " config (ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES); copy"
            + " Archivematica's archivematicaClientModules there or set"
            + " mrt.archivematica.modules-file",
        none.getMessage());
    MrtException missing =
        assertThrows(
            MrtException.class,
            () ->
                HarnessRunner.modulesOf(
                    image(
                        rootfs,
                        "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES=/etc/passwd"),
                    "img",
                    Path.of("/etc/m")));
    assertEquals(
        "image img names /etc/passwd as its client modules file, but has no such"
            + " file; set mrt.archivematica.modules-file to a copy on this host",
        missing.getMessage());
  }
}
