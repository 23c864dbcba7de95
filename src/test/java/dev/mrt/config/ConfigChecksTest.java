package dev.mrt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import org.junit.jupiter.api.Test;

class ConfigChecksTest {
  @Test
  void testRange_insideIsFine() {
    ConfigChecks.range("mrt.pool.size", 4, 1, 1024);
  }

  @Test
  void testRange_outsideNamesTheSetting() {
    MrtException e = assertThrows(MrtException.class,
        () -> ConfigChecks.range("mrt.pool.output-limit", -1, 0, 67108864));
    assertEquals("mrt.pool.output-limit must be between 0 and 67108864, was -1; fix it in the "
        + "configuration", e.getMessage());
  }
}
