package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PythonDateTimeTest {
  // Expected values are what Python prints for datetime.fromisoformat(input) (Z as +00:00).
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2024-08-04T21:34:35.241750+00:00 | 2024-08-04 21:34:35.241750+00:00 | 2024-08-04T21:34:35.241750+00:00",
        "2024-08-04 21:34:35.241750+00:00 | 2024-08-04 21:34:35.241750+00:00 | 2024-08-04T21:34:35.241750+00:00",
        "2024-08-04T21:34:35+00:00 | 2024-08-04 21:34:35+00:00 | 2024-08-04T21:34:35+00:00",
        "2024-08-04T21:34:35.5Z | 2024-08-04 21:34:35.500000+00:00 | 2024-08-04T21:34:35.500000+00:00",
        "2024-08-04T21:34:35.241750 | 2024-08-04 21:34:35.241750 | 2024-08-04T21:34:35.241750",
        "2024-08-04T21:34:00-05:30 | 2024-08-04 21:34:00-05:30 | 2024-08-04T21:34:00-05:30"
      })
  void testParse_rendersLikePython(String input, String str, String isoformat) {
    PythonDateTime value = PythonDateTime.parse(input);
    assertEquals(str, value.pythonStr());
    assertEquals(isoformat, value.isoformat());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "yesterday", "2024-13-01T00:00:00", "2024-08-04"})
  void testParse_malformed(String input) {
    assertThrows(DateTimeException.class, () -> PythonDateTime.parse(input));
  }
}
