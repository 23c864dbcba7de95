package dev.mrt.archivematica.db;

import dev.mrt.MrtException;
import dev.mrt.config.DatabaseConfig;
import dev.mrt.gearman.Backoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Opens the Tasks table writer for {@code mrt serve} when a database is configured. Quarkus'
 * datasource (Agroal, MariaDB Connector/J) gets its URL from {@link DatabaseConfigSourceFactory};
 * without one it stays inactive and nothing here touches it.
 */
@ApplicationScoped
public class TaskDatabase {
  private static final Logger LOG = Logger.getLogger(TaskDatabase.class);

  private final Config config;
  private final DatabaseConfig database;
  private final Instance<DataSource> dataSource;

  public TaskDatabase(Config config, DatabaseConfig database, Instance<DataSource> dataSource) {
    this.config = config;
    this.database = database;
    this.dataSource = dataSource;
  }

  /**
   * The configured database, if any.
   *
   * @throws MrtException when a setting is malformed
   */
  public Optional<DatabaseSettings> settings() {
    try {
      return DatabaseSettings.from(name -> config.getOptionalValue(name, String.class));
    } catch (IllegalArgumentException e) {
      throw new MrtException(e.getMessage());
    }
  }

  /**
   * A writer for the configured database, checked once in the background; {@link TaskRows#NONE}
   * (and one line saying so) when there is none.
   */
  public TaskRows open(DatabaseListener listener) {
    Optional<DatabaseSettings> s = settings();
    if (s.isEmpty()) {
      LOG.info(
          "database: none configured (mrt.database.host or ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST);"
              + " the Tasks table is left to MCPClient's scripts");
      return TaskRows.NONE;
    }
    LOG.infof("database: keeping the Tasks rows in %s", s.get());
    TaskRowWriter writer =
        new TaskRowWriter(
            new TasksTable(dataSource.get()),
            listener,
            database.retryFor(),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(15)),
            Clock.systemUTC());
    writer.probe();
    return writer;
  }
}
