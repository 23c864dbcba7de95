package dev.mrt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/systemd/mrt.service parses cleanly and has what the service needs. */
class SystemdUnitIT {
  static final Path UNIT = Path.of("deploy/systemd/mrt.service");
  static final Path LAUNCHER = Path.of("deploy/bin/mrt").toAbsolutePath();

  static Map<String, List<String>> directives;

  @BeforeAll
  static void parse() throws IOException {
    directives = new LinkedHashMap<>();
    for (String line : Files.readAllLines(UNIT)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[")) {
        continue;
      }
      int eq = l.indexOf('=');
      directives
          .computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>())
          .add(l.substring(eq + 1));
    }
  }

  @Test
  void systemdAnalyzeVerifyFindsNothing(@TempDir Path dir) throws IOException {
    assumeTrue(Host.isRoot(), "systemd-analyze verify and the prepared host need root");
    // verify wants ExecStart to exist: check a copy that starts the repo's launcher.
    Path copy = dir.resolve("mrt.service");
    Files.writeString(
        copy,
        Files.readString(UNIT).replace("ExecStart=/usr/bin/mrt ", "ExecStart=" + LAUNCHER + " "));
    Host.Result r = Host.run("systemd-analyze", "verify", copy.toString());
    // It exits 0 on parse errors and only prints them: any line naming the unit is one.
    List<String> problems = r.output().lines().filter(l -> l.contains("mrt.service")).toList();
    assertTrue(problems.isEmpty(), "systemd-analyze verify: " + r);
    assertEquals(0, r.exit(), r.toString());
  }

  @Test
  void runsRootlessAsTheMrtUser() {
    assertEquals(List.of("mrt"), directives.get("User"));
    assertEquals(List.of("yes"), directives.get("Delegate"));
    assertEquals(List.of("-/etc/default/mrt"), directives.get("EnvironmentFile"));
    assertTrue(
        directives.get("ExecStart").get(0).startsWith("/usr/bin/mrt serve --config "),
        directives.get("ExecStart").toString());
  }

  @Test
  void directoriesComeFromSystemdAndStateIsOnTheRuntimeDir() {
    assertEquals(List.of("mrt"), directives.get("CacheDirectory"));
    assertEquals(List.of("mrt"), directives.get("StateDirectory"));
    assertEquals(List.of("mrt"), directives.get("RuntimeDirectory"));
    String env = String.join(" ", directives.get("Environment"));
    assertTrue(env.contains("MRT_CACHE_DIR=/var/cache/mrt"), env);
    assertTrue(env.contains("MRT_STATE_DIR=/run/mrt"), env);
  }

  @Test
  void stopsAfterTheDrainAndRestartsOnFailure() {
    assertEquals(List.of("on-failure"), directives.get("Restart"));
    assertEquals(List.of("mixed"), directives.get("KillMode"));
    int stop = Integer.parseInt(directives.get("TimeoutStopSec").get(0));
    // mrt.shutdown.drain-timeout defaults to 60 s; systemd must not kill the drain.
    assertTrue(stop > 60, "TimeoutStopSec=" + stop);
  }

  @Test
  void noHardeningThatBreaksRootlessRunc() {
    for (String bad :
        List.of(
            "RestrictNamespaces",
            "PrivateUsers",
            "CapabilityBoundingSet",
            "ProtectControlGroups",
            "SystemCallFilter",
            "ProtectKernelLogs",
            "ProtectKernelTunables",
            "RestrictSUIDSGID",
            "MemoryDenyWriteExecute")) {
      assertTrue(!directives.containsKey(bad), bad + " breaks rootless runc or the tasks");
    }
    assertEquals(List.of("strict"), directives.get("ProtectSystem"));
    assertEquals(List.of("yes"), directives.get("PrivateTmp"));
  }
}
