package dev.mrt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** config/application.properties is read by every mrt command run from the repository root. */
class ExampleConfigTest {

  @Test
  void testExampleConfig_everySettingCommentedOut() throws Exception {
    List<String> active =
        Files.readAllLines(Path.of("config", "application.properties")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertEquals(List.of(), active, "active lines would change the tests' behaviour");
  }
}
