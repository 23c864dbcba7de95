package dev.mrt.archivematica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokensTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-08-04T21:34:36.661575Z"), ZoneOffset.UTC);
  private static final String UUID = "8022802f-6097-43d8-b217-2ed7f2b38f09";

  private final Tokens tokens = new Tokens("/var/archivematica/sharedDirectory", "/assets/", CLOCK);

  private static Task task(String arguments) {
    return new Task(
        UUID, PythonDateTime.parse("2024-08-04T21:34:35.241750+00:00"), arguments, true);
  }

  @Test
  void testReplace_allFiveTokens() {
    assertEquals(
        "/var/archivematica/sharedDirectory/x /assets/ 2024-08-04T21:34:36.661575+00:00 "
            + UUID
            + " 2024-08-04 21:34:35.241750+00:00",
        tokens.replace(
            task("%sharedPath%x %clientAssetsDirectory% %date% %taskUUID% %jobCreatedDate%")));
  }

  @Test
  void testReplace_sharedPathKeepsExistingSlash() {
    Tokens slashed = new Tokens("/shared/", "/a", CLOCK);
    assertEquals(
        "/shared/currentlyProcessing", slashed.replace(task("%sharedPath%currentlyProcessing")));
  }

  @Test
  void testReplace_dateWithoutMicrosecondsLikePython() {
    Tokens whole =
        new Tokens("/s", "/a", Clock.fixed(Instant.parse("2024-01-02T03:04:05Z"), ZoneOffset.UTC));
    assertEquals("2024-01-02T03:04:05+00:00", whole.replace(task("%date%")));
  }

  @Test
  void testReplace_unknownTokensStay() {
    assertEquals(
        "%clientScriptsDirectory% %SIPUUID%",
        tokens.replace(task("%clientScriptsDirectory% %SIPUUID%")));
  }

  @Test
  void testArgv_functionNameThenSplitWords() {
    assertEquals(
        List.of(
            "identifyfileformat_v0.0",
            "-d",
            "/var/archivematica/sharedDirectory/My SIP/",
            "--created",
            "2024-08-04 21:34:35.241750+00:00",
            "`x`"),
        tokens.argv(
            "identifyfileformat_v0.0",
            task("-d \"%sharedPath%My SIP/\" --created '%jobCreatedDate%' \"\\`x\\`\"")));
  }

  @Test
  void testArgv_unclosedQuote() {
    PayloadException e =
        assertThrows(PayloadException.class, () -> tokens.argv("f", task("\"%sharedPath%")));
    assertEquals("No closing quotation", e.getMessage());
  }
}
