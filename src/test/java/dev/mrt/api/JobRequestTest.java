package dev.mrt.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JobRequest parse(String body) throws Exception {
    return JobRequest.parse(JSON.readTree(body));
  }

  private static Problem problem(String body) {
    ProblemException e = assertThrows(ProblemException.class, () -> parse(body));
    return (Problem) e.getResponse().getEntity();
  }

  @Test
  void testParse_full() throws Exception {
    JobRequest r =
        parse(
            "{\"image\":\"/srv/img.tar\",\"args\":[\"sh\",\"-c\",\"cat\"],"
                + "\"env\":{\"A\":\"1\"},\"workdir\":\"/tmp\",\"timeout\":\"1m30s\",\"stdin\":\"héllo\"}");
    assertEquals("/srv/img.tar", r.image());
    assertEquals(List.of("sh", "-c", "cat"), r.args());
    assertEquals(Map.of("A", "1"), r.env());
    assertEquals(Optional.of("/tmp"), r.workdir());
    assertEquals(Optional.of(Duration.ofSeconds(90)), r.timeout());
    assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), r.stdin().orElseThrow());
  }

  @Test
  void testParse_defaults() throws Exception {
    JobRequest r = parse("{\"args\":[\"true\"]}");
    assertEquals("default", r.image());
    assertEquals(Optional.empty(), r.timeout());
    assertEquals(Optional.empty(), r.stdin());
  }

  @Test
  void testParse_numericTimeoutIsSeconds() throws Exception {
    assertEquals(
        Optional.of(Duration.ofMillis(2500)),
        parse("{\"args\":[\"true\"],\"timeout\":2.5}").timeout());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|args",
        "{\"args\":[]}|args",
        "{\"args\":\"true\"}|args",
        "{\"args\":[1]}|args",
        "{\"args\":[\"\"]}|args",
        "{\"args\":[\"true\"],\"env\":[\"A=1\"]}|env",
        "{\"args\":[\"true\"],\"env\":{\"A\":1}}|env",
        "{\"args\":[\"true\"],\"workdir\":\"tmp\"}|workdir",
        "{\"args\":[\"true\"],\"timeout\":\"soon\"}|timeout",
        "{\"args\":[\"true\"],\"timeout\":-1}|timeout",
        "{\"args\":[\"true\"],\"image\":\"\"}|image",
        "{\"args\":[\"true\"],\"stdin\":5}|stdin",
        "{\"args\":[\"true\"],\"cmd\":\"x\"}|cmd"
      })
  void testParse_badFieldIsNamed(String body, String field) {
    Problem p = problem(body);
    assertEquals(400, p.status());
    assertEquals(field, p.field(), p.detail());
  }

  @Test
  void testParse_notAnObject() {
    assertEquals("the body must be a JSON object with at least args", problem("[1]").detail());
  }
}
