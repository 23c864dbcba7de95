package dev.mrt.gearman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt.MrtException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {
  @ParameterizedTest
  @CsvSource({
    "localhost:4730, localhost, 4730",
    "gearman, gearman, 4730",
    "' 10.0.0.1:4731 ', 10.0.0.1, 4731",
    "[::1]:4732, ::1, 4732",
    "[::1], ::1, 4730"
  })
  void testParse_valid(String text, String host, int port) {
    assertEquals(new ServerAddress(host, port), ServerAddress.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", ":4730", "host:", "host:0", "host:70000", "host:x", "::1", "[::1", "[::1]x"})
  void testParse_invalid(String text) {
    MrtException e = assertThrows(MrtException.class, () -> ServerAddress.parse(text));
    assertEquals(
        "invalid gearman server '" + text + "'; write host:port, e.g. localhost:4730",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:4730", "[::1]:4730"})
  void testToString_roundTrips(String text) {
    assertEquals(text, ServerAddress.parse(text).toString());
  }
}
