package dev.mrt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @ParameterizedTest
  @CsvSource({
    "30s,30000",
    "5m,300000",
    "1h30m,5400000",
    "500ms,500",
    "2.5s,2500",
    "10,10000",
    "1m0.5s,60500"
  })
  void testConvert_valid(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), converter.convert(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "0s", "abc", "5x", "s", "5m3", "-5s"})
  void testConvert_invalid(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> converter.convert(text));
    assertTrue(
        e.getMessage().startsWith("'" + text + "' is not a positive duration"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"5400000,1h30m", "1000,1s", "250,250ms", "61500,1m1.5s"})
  void testFormat_inverseOfParse(long millis, String text) {
    assertEquals(text, DurationConverter.format(Duration.ofMillis(millis)));
    assertEquals(Duration.ofMillis(millis), DurationConverter.parse(text));
  }
}
