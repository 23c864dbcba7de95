package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import dev.mrt.network.Endpoint;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runner's database endpoint, from the environment its scripts get. */
class TaskContainersTest {
  @Test
  void testDatabaseEndpoint_asMcpClientReadsItsEnvironment() {
    assertEquals(
        Optional.of(new Endpoint("db.example", 3306)),
        TaskContainers.databaseEndpoint(
            Map.of("ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST", " db.example ")));
    assertEquals(
        Optional.of(new Endpoint("127.0.0.1", 13306)),
        TaskContainers.databaseEndpoint(
            Map.of(
                "ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST",
                "127.0.0.1",
                "ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT",
                "13306")));
    assertEquals(Optional.empty(), TaskContainers.databaseEndpoint(Map.of()));
  }

  @Test
  void testDatabaseEndpoint_badPortOrAddressIsOneLine() {
    assertEquals(
        "database port 'x' is not a port number; fix mrt.database.port or"
            + " ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT",
        assertThrows(
                MrtException.class,
                () ->
                    TaskContainers.databaseEndpoint(
                        Map.of(
                            "ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST",
                            "db",
                            "ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT",
                            "x")))
            .getMessage());
    assertThrows(
        MrtException.class,
        () ->
            TaskContainers.databaseEndpoint(
                Map.of("ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST", "10.0.0.5")));
  }
}
