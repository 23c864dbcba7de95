package dev.mrt.archivematica.db;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives Quarkus' datasource its URL and login from {@link DatabaseSettings}, so MCPClient's
 * variables configure mrt's database as they configure MCPClient's. Without a host it adds nothing,
 * which leaves the datasource inactive. An explicit {@code quarkus.datasource.*} setting still
 * wins: this source ranks below every other.
 */
public class DatabaseConfigSourceFactory implements ConfigSourceFactory {
  private static final int ORDINAL = 50;

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    Optional<DatabaseSettings> settings;
    try {
      settings = DatabaseSettings.from(name -> value(context.getValue(name)));
    } catch (IllegalArgumentException e) {
      // serve reports the bad port itself, in one line; the datasource stays inactive.
      settings = Optional.empty();
    }
    if (settings.isEmpty()) {
      return List.of();
    }
    DatabaseSettings s = settings.get();
    return List.of(
        new MapBackedConfigSource(
            "mrt database settings",
            Map.of(
                "quarkus.datasource.jdbc.url", s.jdbcUrl(),
                "quarkus.datasource.username", s.user(),
                "quarkus.datasource.password", s.password()),
            ORDINAL) {});
  }

  @Override
  public OptionalInt getPriority() {
    return OptionalInt.of(ORDINAL);
  }

  private static Optional<String> value(ConfigValue v) {
    return v == null ? Optional.empty() : Optional.ofNullable(v.getValue());
  }
}
