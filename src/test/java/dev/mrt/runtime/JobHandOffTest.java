package dev.mrt.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobHandOffTest {

  @Test
  void testEncode_lengthLineThenNulTerminatedFields() {
    byte[] encoded =
        new JobHandOff("/work", List.of("sh", "-c", "echo ü"), List.of("A=1", "PATH=/bin"))
            .encode();
    String payload = "/work\0" + "3\0" + "sh\0-c\0echo ü\0" + "A=1\0PATH=/bin\0";
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    byte[] expected = (body.length + "\n" + payload).getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(expected, encoded);
  }

  @Test
  void testEncode_emptyArgumentsAndNoEnvironmentSurvive() {
    byte[] encoded = new JobHandOff("/", List.of("printf", ""), List.of()).encode();
    assertArrayEquals(
        "12\n/\u00002\u0000printf\u0000\u0000".getBytes(StandardCharsets.UTF_8), encoded);
  }

  @Test
  void testNew_refusesNoCommandAndNul() {
    assertThrows(IllegalArgumentException.class, () -> new JobHandOff("/", List.of(), List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new JobHandOff("/", List.of("a\0b"), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new JobHandOff("/", List.of("true"), List.of("X=\0")));
  }
}
