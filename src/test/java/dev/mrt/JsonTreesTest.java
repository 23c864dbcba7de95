package dev.mrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JsonTrees must make the trees ObjectMapper makes, and write them as it does. */
class JsonTreesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"é\\n\\\"\"}}",
        "[0,-1,2147483647,2147483648,-9223372036854775808,18446744073709551615]",
        "{\"x\":1.5,\"y\":-2e10,\"z\":[],\"w\":{}}",
        "\"just a string\"",
        "{\"dup\":1,\"dup\":2}",
        "[[[]],[{}]]"
      })
  void testRead_sameTreeAndSameOutputAsObjectMapper(String json) throws Exception {
    JsonNode expected = MAPPER.readTree(json);
    JsonNode actual = JsonTrees.read(json.getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, actual);
    assertEquals(
        MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(expected),
        JsonTrees.pretty(actual));
  }

  @Test
  void testRead_noInputIsAMissingNode() throws Exception {
    assertTrue(JsonTrees.read(new byte[0]).isMissingNode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":", "{} {}", "[1,]", "nul"})
  void testRead_notOneJsonValueFails(String json) {
    assertThrows(IOException.class, () -> JsonTrees.read(json.getBytes(StandardCharsets.UTF_8)));
  }
}
