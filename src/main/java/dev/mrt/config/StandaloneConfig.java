package dev.mrt.config;

import dev.mrt.MrtException;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.runtime.configuration.QuarkusConfigBuilderCustomizer;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * mrt's configuration as Quarkus reads it (application.properties in the jar and in ./config,
 * environment variables, system properties, the prod profile, every {@code mrt.*} mapping so a
 * misspelt key fails the same way), built without starting Quarkus: for the CLI commands that run
 * in a plain JVM. The datasource Quarkus derives from mrt.database.* is left out: none uses it.
 */
public final class StandaloneConfig {
  /** Every {@code @ConfigMapping} of mrt's. */
  public static final List<Class<?>> MAPPINGS =
      List.of(
          MrtConfig.class,
          FunctionsConfig.class,
          ArchivematicaConfig.class,
          ApiConfig.class,
          PoolConfig.class,
          GearmanConfig.class,
          DatabaseConfig.class);

  private StandaloneConfig() {}

  /**
   * @throws MrtException naming the first bad setting, when a value does not convert or a {@code
   *     mrt.*} key maps to no setting
   */
  public static SmallRyeConfig load() {
    SmallRyeConfigBuilder builder = ConfigUtils.emptyConfigBuilder();
    new QuarkusConfigBuilderCustomizer().configBuilder(builder);
    builder
        .forClassLoader(StandaloneConfig.class.getClassLoader())
        .addDefaultInterceptors()
        .addDefaultSources()
        .addDiscoveredConverters();
    MAPPINGS.forEach(builder::withMapping);
    try {
      return builder.build();
    } catch (ConfigValidationException e) {
      String more = e.getProblemCount() > 1 ? " (and " + (e.getProblemCount() - 1) + " more)" : "";
      throw new MrtException(
          "bad configuration: "
              + withoutCode(e.getProblem(0).getMessage())
              + more
              + "; fix or remove the setting");
    } catch (IllegalArgumentException | NoSuchElementException e) {
      throw new MrtException(
          "bad configuration: " + withoutCode(e.getMessage()) + "; fix the setting");
    }
  }

  /** One line, without SmallRye's codes ("SRCFG00050: "), which say nothing to an operator. */
  private static String withoutCode(String message) {
    return message == null
        ? ""
        : message.replaceAll("SRCFG\\d+: ", "").replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
