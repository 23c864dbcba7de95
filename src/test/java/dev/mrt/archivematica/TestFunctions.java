package dev.mrt.archivematica;

import dev.mrt.config.ArchivematicaConfig;
import dev.mrt.config.FunctionsConfig;
import dev.mrt.testing.TestConfigs;
import io.smallrye.config.SmallRyeConfig;
import java.util.Map;

/** Function tables for tests, as serve builds them from the modules file and the config. */
final class TestFunctions {
  private TestFunctions() {}

  /**
   * @param modules the {@code supportedBatchCommands} lines, e.g. {@code "a_v0.0 = a\n"}
   * @param properties mrt.archivematica.* and mrt.functions.* over their defaults; any other key,
   *     or one neither mapping takes, fails
   */
  static FunctionTable table(String modules, Map<String, String> properties) {
    SmallRyeConfig config =
        TestConfigs.strict(properties, ArchivematicaConfig.class, FunctionsConfig.class);
    return FunctionTable.of(
        ClientModules.parse("[supportedBatchCommands]\n" + modules, "test"),
        config.getConfigMapping(ArchivematicaConfig.class),
        config.getConfigMapping(FunctionsConfig.class));
  }
}
