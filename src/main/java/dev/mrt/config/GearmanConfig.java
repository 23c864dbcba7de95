package dev.mrt.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** The gearmand servers {@code mrt serve} takes jobs from. */
@ConfigMapping(prefix = "mrt.gearman")
public interface GearmanConfig {

  /**
   * {@code host:port} of every gearmand to serve, comma-separated. Falls back to Archivematica's
   * ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_MCPARCHIVEMATICASERVER.
   */
  @WithDefault("${ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_MCPARCHIVEMATICASERVER:localhost:4730}")
  List<String> servers();

  /** Take Gearman jobs at all (false: only the HTTP job API). */
  @WithDefault("true")
  boolean enabled();
}
