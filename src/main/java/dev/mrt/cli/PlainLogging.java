package dev.mrt.cli;

import io.quarkus.bootstrap.logging.InitialConfigurator;
import io.smallrye.config.SmallRyeConfig;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Logging for a JVM that does not start Quarkus ({@link PlainCli}): the console handler Quarkus
 * would set up from the same settings, {@code quarkus.log.level}, {@code
 * quarkus.log.category."NAME".level} and {@code quarkus.log.console.format}, on stderr. Until this
 * runs, Quarkus' boot handler holds every record; it then hands them on.
 */
final class PlainLogging {
  private static final Pattern CATEGORY_LEVEL =
      Pattern.compile("quarkus\\.log\\.category\\.\"([^\"]+)\"\\.level");

  private PlainLogging() {}

  static void configure(SmallRyeConfig config) {
    LogContext context = LogContext.getLogContext();
    Level root = level(config, "quarkus.log.level", "INFO");
    context.getLogger("").setLevel(root);
    Level lowest = root;
    for (String name : config.getPropertyNames()) {
      Matcher m = CATEGORY_LEVEL.matcher(name);
      if (m.matches()) {
        Level level = level(config, name, "INFO");
        context.getLogger(m.group(1)).setLevel(level);
        lowest = level.intValue() < lowest.intValue() ? level : lowest;
      }
    }
    ConsoleHandler console =
        new ConsoleHandler(
            ConsoleHandler.Target.SYSTEM_ERR,
            new PatternFormatter(
                config
                    .getOptionalValue("quarkus.log.console.format", String.class)
                    .orElse("%d{HH:mm:ss.SSS} %-5p [%c{1}] %s%e%n")));
    // Records queued before the loggers had levels (the config's own start, at DEBUG) meet this.
    console.setLevel(lowest);
    InitialConfigurator.DELAYED_HANDLER.setHandlers(new Handler[] {console});
  }

  private static Level level(SmallRyeConfig config, String key, String otherwise) {
    return org.jboss.logmanager.Level.parse(
        config.getOptionalValue(key, String.class).orElse(otherwise));
  }
}
