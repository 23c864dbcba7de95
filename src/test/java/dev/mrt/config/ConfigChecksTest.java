package dev.mrt.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import org.junit.jupiter.api.Test;

class ConfigChecksTest {
  @Test
  void testRange_insideIsFine() {
    assertDoesNotThrow(() -> ConfigChecks.range("mrt.pool.size", 4, 1, 1024));
    // Both ends are inclusive; one past either is not.
    assertDoesNotThrow(() -> ConfigChecks.range("mrt.pool.size", 1, 1, 1024));
    assertDoesNotThrow(() -> ConfigChecks.range("mrt.pool.size", 1024, 1, 1024));
    assertThrows(MrtException.class, () -> ConfigChecks.range("mrt.pool.size", 0, 1, 1024));
    assertThrows(MrtException.class, () -> ConfigChecks.range("mrt.pool.size", 1025, 1, 1024));
  }

  @Test
  void testRange_outsideNamesTheSetting() {
    MrtException e =
        assertThrows(
            MrtException.class, () -> ConfigChecks.range("mrt.pool.output-limit", -1, 0, 67108864));
    assertEquals(
        "mrt.pool.output-limit must be between 0 and 67108864, was -1; fix it in the "
            + "configuration",
        e.getMessage());
  }
}
