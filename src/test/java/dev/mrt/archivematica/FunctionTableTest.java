package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.MrtException;
import dev.mrt.network.Endpoint;
import dev.mrt.network.Network;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each function's network and seccomp filter, from mrt.archivematica.* and its overrides. */
class FunctionTableTest {
  private static FunctionTable table(Map<String, String> properties) {
    return TestFunctions.table("a_v0.0 = a\nb_v0.0 = b\n", properties);
  }

  private static FunctionTable.Function f(FunctionTable t, String name) {
    return t.get(name).orElseThrow();
  }

  @Test
  void testNetwork_commandFunctionsDefaultToNoneAndTakeOverrides() {
    FunctionTable t =
        table(
            Map.of(
                "mrt.functions.\"b_v0.0\".network",
                "db:3306",
                "mrt.functions.\"b_v0.0\".seccomp",
                "unconfined"));
    assertEquals(Network.NONE, f(t, "a_v0.0").network());
    assertEquals(
        new Network.Endpoints(List.of(new Endpoint("db", 3306))), f(t, "b_v0.0").network());
    assertEquals(Optional.empty(), f(t, "a_v0.0").seccomp());
    assertEquals(Optional.of("unconfined"), f(t, "b_v0.0").seccomp());
  }

  @Test
  void testNetwork_theArchivematicaRunnerGetsItsEndpoints() {
    FunctionTable t =
        table(
            Map.of(
                "mrt.archivematica.runner",
                "archivematica",
                "mrt.archivematica.endpoints",
                "storage:8000,clamav:3310"));
    assertEquals(
        new Network.Endpoints(List.of(new Endpoint("storage", 8000), new Endpoint("clamav", 3310))),
        f(t, "a_v0.0").network());
  }

  @Test
  void testRefuseReaching_gearmandCannotBeAnEndpoint() {
    FunctionTable t = table(Map.of("mrt.functions.\"b_v0.0\".network", "localhost:4730"));
    t.refuseReaching("gearmand.example", 4730, "gearmand");
    MrtException e =
        assertThrows(MrtException.class, () -> t.refuseReaching("127.0.0.1", 4730, "gearmand"));
    assertEquals(
        "the network of b_v0.0 names localhost:4730, which is gearmand: a job must"
            + " never reach it; remove it from mrt.functions.\"b_v0.0\".network or"
            + " mrt.archivematica.endpoints",
        e.getMessage());
  }

  @Test
  void testNetwork_aBadSettingNamesIt() {
    MrtException e =
        assertThrows(
            MrtException.class, () -> table(Map.of("mrt.archivematica.network", "bridge")));
    assertEquals(
        "bad mrt.archivematica.network 'bridge': use host, none, private or endpoints"
            + " as HOST:PORT[,HOST:PORT...]",
        e.getMessage());
  }

  @Test
  void testConfig_anUnknownFunctionKeyFails() {
    // A misspelt key would otherwise be dropped in silence and its function run without it.
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> table(Map.of("mrt.functions.\"b_v0.0\".netwrok", "db:3306")));
    assertTrue(
        e.getMessage().contains("mrt.functions.\"b_v0.0\".netwrok"),
        () -> "the message names the key: " + e.getMessage());
  }
}
