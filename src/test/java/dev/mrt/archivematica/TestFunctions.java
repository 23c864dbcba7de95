package dev.mrt.archivematica;

import dev.mrt.config.ArchivematicaConfig;
import dev.mrt.config.FunctionsConfig;
import dev.mrt.testing.TestConfigs;
import java.util.Map;

/** Function tables for tests, as serve builds them from the modules file and the config. */
final class TestFunctions {
  private TestFunctions() {}

  /**
   * @param modules the {@code supportedBatchCommands} lines, e.g. {@code "a_v0.0 = a\n"}
   * @param properties mrt.archivematica.* and mrt.functions.* over their defaults
   */
  static FunctionTable table(String modules, Map<String, String> properties) {
    return FunctionTable.of(
        ClientModules.parse("[supportedBatchCommands]\n" + modules, "test"),
        TestConfigs.mapping(ArchivematicaConfig.class, properties),
        TestConfigs.mapping(FunctionsConfig.class, properties));
  }
}
