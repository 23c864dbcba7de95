package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchFilesTest {
  @TempDir Path dir;

  private BatchFiles.Answer read(String json) throws IOException {
    Files.writeString(dir.resolve(BatchFiles.RESULTS), json);
    return BatchFiles.readResults(dir);
  }

  @Test
  void testReadResults_endTimeAwareNaiveOrAbsent() throws IOException {
    BatchFiles.Answer a =
        read(
            "{\"results\": {"
                + "\"a\": {\"exitCode\": 0, \"endTime\": \"2024-08-04T23:34:36.5+02:00\"},"
                + "\"b\": {\"exitCode\": 2, \"stdout\": \"o\", \"stderr\": \"e\", \"endTime\": \"2024-08-04T21:34:36\"},"
                + "\"c\": {\"exitCode\": 1, \"endTime\": null}}}");
    assertEquals(
        Map.of(
            "a",
                new BatchFiles.Reported(
                    0, "", "", Optional.of(Instant.parse("2024-08-04T21:34:36.5Z"))),
            "b",
                new BatchFiles.Reported(
                    2, "o", "e", Optional.of(Instant.parse("2024-08-04T21:34:36Z"))),
            "c", new BatchFiles.Reported(1, "", "", Optional.empty())),
        a.results());
    assertEquals(Optional.empty(), a.batchFailed());
    assertEquals(Optional.empty(), a.setupFailed());
  }

  @Test
  void testReadResults_setupFailedNeedsNoResults() throws IOException {
    BatchFiles.Answer a = read("{\"setupFailed\": \"no harness\"}");
    assertEquals(Optional.of("no harness"), a.setupFailed());
    assertEquals(Map.of(), a.results());
  }

  @Test
  void testReadResults_badAnswersNameWhatIsWrong() {
    assertEquals(
        "results.json has no \"results\" object",
        assertThrows(IOException.class, () -> read("{\"batchFailed\": \"x\"}")).getMessage());
    assertEquals(
        "results.json is not a JSON object",
        assertThrows(IOException.class, () -> read("[1]")).getMessage());
    assertEquals(
        "result for a has no integer exitCode",
        assertThrows(IOException.class, () -> read("{\"results\": {\"a\": {}}}")).getMessage());
    assertEquals(
        "result for a has an endTime that is not ISO 8601: yesterday",
        assertThrows(
                IOException.class,
                () -> read("{\"results\": {\"a\": {\"exitCode\": 0, \"endTime\": \"yesterday\"}}}"))
            .getMessage());
  }
}
