package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Archivematica's database, for the Tasks table {@code mrt serve} keeps. Each connection setting
 * left unset falls back to MCPClient's own {@code ARCHIVEMATICA_MCPCLIENT_CLIENT_*} variable, then
 * to MCPClient's default (DatabaseSettings, which reads them raw: it also feeds the datasource's
 * URL while the configuration is still being built). Mapped so a file may set them: SmallRye
 * refuses an {@code mrt.*} key that no mapping takes.
 */
@ConfigMapping(prefix = "mrt.database")
public interface DatabaseConfig {
  /** No host here or in ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST: mrt writes no Tasks rows. */
  Optional<String> host();

  /** Default 3306. */
  Optional<String> port();

  /** Default MCP. */
  Optional<String> database();

  /** Default archivematica. */
  Optional<String> user();

  /** Default demo. */
  Optional<String> password();

  /** How long a Tasks write is retried while the database is down before it is logged as lost. */
  @WithDefault("10m")
  Duration retryFor();
}
