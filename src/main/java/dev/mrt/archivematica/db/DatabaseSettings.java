package dev.mrt.archivematica.db;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where Archivematica's database is, as MCPClient is told: {@code mrt.database.*}, else MCPClient's
 * own {@code ARCHIVEMATICA_MCPCLIENT_CLIENT_*} variables, else MCPClient's defaults (port 3306,
 * database MCP, user archivematica, password demo). No host anywhere means no database: mrt then
 * writes nothing.
 */
public record DatabaseSettings(
    String host, int port, String database, String user, String password) {

  static final String PREFIX = "mrt.database.";
  static final String ARCHIVEMATICA_PREFIX = "ARCHIVEMATICA_MCPCLIENT_CLIENT_";

  /**
   * @param lookup a configuration value by name, empty when unset or blank
   * @throws IllegalArgumentException when the port is not a port number
   */
  public static Optional<DatabaseSettings> from(Function<String, Optional<String>> lookup) {
    Function<String, Optional<String>> setting =
        option ->
            lookup
                .apply(PREFIX + option)
                .or(() -> lookup.apply(ARCHIVEMATICA_PREFIX + option.toUpperCase()))
                .map(String::strip)
                .filter(v -> !v.isEmpty());
    Optional<String> host = setting.apply("host");
    if (host.isEmpty()) {
      return Optional.empty();
    }
    String port = setting.apply("port").orElse("3306");
    int portNumber;
    try {
      portNumber = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      portNumber = -1;
    }
    if (portNumber < 1 || portNumber > 65535) {
      throw new IllegalArgumentException(
          "database port '"
              + port
              + "' is not a port number;"
              + " fix mrt.database.port or ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT");
    }
    return Optional.of(
        new DatabaseSettings(
            host.get(),
            portNumber,
            setting.apply("database").orElse("MCP"),
            setting.apply("user").orElse("archivematica"),
            lookup
                .apply(PREFIX + "password")
                .or(() -> lookup.apply(ARCHIVEMATICA_PREFIX + "PASSWORD"))
                .orElse("demo")));
  }

  /** MariaDB Connector/J's URL; Archivematica's tables use utf8mb4 text in binary columns. */
  public String jdbcUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "jdbc:mariadb://" + h + ":" + port + "/" + database;
  }

  /** For logs: never the password. */
  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database;
  }
}
