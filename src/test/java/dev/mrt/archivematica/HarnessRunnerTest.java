package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import dev.mrt.bundle.BindMount;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HarnessRunnerTest {
  @Test
  void testCommand_theImagesPythonThenTheMountedRunner() {
    assertEquals(List.of("python3", "/run/mrt-runner/mcpclient-runner.py"),
        HarnessRunner.command("python3"));
    assertEquals(List.of("pyenv", "exec", "python3", "/run/mrt-runner/mcpclient-runner.py"),
        HarnessRunner.command("pyenv exec python3"));
    MrtException e = assertThrows(MrtException.class, () -> HarnessRunner.command(" "));
    assertEquals("mrt.archivematica.python is empty; set it to the image's Python, e.g. python3",
        e.getMessage());
  }

  @Test
  void testMount_theRunnersDirectoryReadOnly() {
    assertEquals(new BindMount(Path.of("/cache/runner/ab"), "/run/mrt-runner", true),
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
    assertEquals(Map.of(
            "ARCHIVEMATICA_MCPCLIENT_CLIENT_PASSWORD", "s3cret",
            "DJANGO_SETTINGS_MODULE", "settings.production",
            // Where mrt mounts them is where the scripts must look.
            "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_SHAREDDIRECTORYMOUNTED", "/var/am/shared/",
            "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_CLIENTASSETSDIRECTORY", "/assets/"),
        HarnessRunner.environment(host, "/var/am/shared", Optional.of("/assets")));
    assertEquals(Map.of("ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_SHAREDDIRECTORYMOUNTED", "/s/"),
        HarnessRunner.environment(Map.of(), "/s/", Optional.empty()));
  }
}
