package dev.mrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotStartedFilterTest {
  private static final String MARKER = "\0mrt-handoff-exec-failed n0nce ";

  private static String[] feed(String... chunks) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    NotStartedFilter f = new NotStartedFilter(sink, MARKER);
    for (String c : chunks) {
      f.write(c.getBytes(StandardCharsets.UTF_8));
      f.flush();
    }
    f.finish();
    return new String[] {sink.toString(StandardCharsets.UTF_8), f.reason().orElse("<none>")};
  }

  @Test
  void testTheHelpersLine_isKeptApartEvenInPieces() throws IOException {
    String[] r = feed("\0mrt-hand", "off-exec-failed n0nce Permission denied: /x\n");
    assertEquals("", r[0]);
    assertEquals("Permission denied: /x", r[1]);
  }

  @Test
  void testJobOutput_passesUnchanged() throws IOException {
    assertEquals("hello\nworld", feed("hello\n", "world")[0]);
    assertEquals("<none>", feed("hello")[1]);
  }

  @Test
  void testJobOutputThatLooksLikeTheStart_isReleasedAtTheEnd() throws IOException {
    String[] r = feed("\0mrt-hand");
    assertEquals("\0mrt-hand", r[0]);
    assertEquals("<none>", r[1]);
  }

  @Test
  void testAnotherNonce_isTheJobsOwnOutput() throws IOException {
    String forged = "\0mrt-handoff-exec-failed guess Permission denied\n";
    String[] r = feed(forged);
    assertEquals(forged, r[0]);
    assertEquals("<none>", r[1]);
  }

  @Test
  void testNothingWritten_nothingClaimed() throws IOException {
    assertEquals(
        Optional.empty(), new NotStartedFilter(new ByteArrayOutputStream(), MARKER).reason());
  }
}
