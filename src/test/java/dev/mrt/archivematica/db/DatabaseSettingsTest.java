package dev.mrt.archivematica.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
  private static Optional<DatabaseSettings> from(Map<String, String> values) {
    return DatabaseSettings.from(name -> Optional.ofNullable(values.get(name)));
  }

  @Test
  void testFrom_noHostMeansNoDatabase() {
    assertEquals(Optional.empty(), from(Map.of()));
    assertEquals(
        Optional.empty(),
        from(Map.of("mrt.database.host", " ", "ARCHIVEMATICA_MCPCLIENT_CLIENT_USER", "x")));
  }

  @Test
  void testFrom_mcpClientVariablesWithMcpClientDefaults() {
    DatabaseSettings s = from(Map.of("ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST", "db")).orElseThrow();
    assertEquals(new DatabaseSettings("db", 3306, "MCP", "archivematica", "demo"), s);
    assertEquals("jdbc:mariadb://db:3306/MCP", s.jdbcUrl());
    assertEquals("archivematica@db:3306/MCP", s.toString());
  }

  @Test
  void testFrom_mrtSettingsWinOverMcpClients() {
    DatabaseSettings s =
        from(Map.of(
                "ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST",
                "db",
                "mrt.database.host",
                "::1",
                "ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT",
                "3307",
                "ARCHIVEMATICA_MCPCLIENT_CLIENT_PASSWORD",
                "s3cret",
                "mrt.database.database",
                "AM",
                "ARCHIVEMATICA_MCPCLIENT_CLIENT_USER",
                "am"))
            .orElseThrow();
    assertEquals(new DatabaseSettings("::1", 3307, "AM", "am", "s3cret"), s);
    assertEquals("jdbc:mariadb://[::1]:3307/AM", s.jdbcUrl());
  }

  @Test
  void testFrom_badPortNamesBothSettings() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> from(Map.of("mrt.database.host", "db", "mrt.database.port", "mysql")));
    assertEquals(
        "database port 'mysql' is not a port number; fix mrt.database.port or"
            + " ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT",
        e.getMessage());
  }
}
