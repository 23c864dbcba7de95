package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Against vectors from Python's shlex (see make-shlex-vectors.py next to the resource). */
class ShlexTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> vectors() throws IOException {
    List<Arguments> vectors = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                ShlexTest.class.getResourceAsStream("/archivematica/shlex-vectors.jsonl"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode node = JSON.readTree(line);
        vectors.add(Arguments.of(node.get("input").asText(), node));
      }
    }
    return vectors.stream();
  }

  @Test
  void testVectors_enoughAndIncludeErrors() throws IOException {
    List<Arguments> all = vectors().toList();
    assertTrue(all.size() >= 60, "only " + all.size() + " vectors");
    assertTrue(all.stream().filter(a -> ((JsonNode) a.get()[1]).has("error")).count() >= 5);
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void testSplit_matchesPython(String input, JsonNode expected) {
    if (expected.has("error")) {
      PayloadException e = assertThrows(PayloadException.class, () -> Shlex.split(input));
      assertEquals(expected.get("error").asText(), e.getMessage());
    } else {
      assertEquals(strings(expected.get("split")), Shlex.split(input));
    }
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void testUnescapeBackticks_matchesMcpClientParseCommandLine(String input, JsonNode expected) {
    if (!expected.has("error")) {
      List<String> parsed = Shlex.split(input).stream().map(Tokens::unescapeBackticks).toList();
      assertEquals(strings(expected.get("parsed")), parsed);
    }
  }

  private static List<String> strings(JsonNode array) {
    return JSON.convertValue(array, new TypeReference<List<String>>() {});
  }
}
