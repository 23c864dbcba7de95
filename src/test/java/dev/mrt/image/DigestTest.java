package dev.mrt.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  @Test
  void testParse_roundTrips() {
    String text = "sha256:" + "0123456789abcdef".repeat(4);
    assertEquals(text, Digest.parse(text).toString());
    assertEquals("0123456789abcdef".repeat(4), Digest.parse(text).hex());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha256:", "sha256:abc", "sha512:" + "aa", "SHA256:" + "0000000000000000000000000000000000000000000000000000000000000000",
      "sha256:" + "G000000000000000000000000000000000000000000000000000000000000000"})
  void testParse_invalid(String input) {
    Digest.InvalidDigestException e =
        assertThrows(Digest.InvalidDigestException.class, () -> Digest.parse(input));
    assertEquals("invalid digest '" + input
        + "': expected sha256: followed by 64 lowercase hex digits", e.getMessage());
  }

  @Test
  void testPlatform_parseAndAccepts() {
    Platform arm = Platform.parse("linux/arm64/v8");
    assertEquals("linux/arm64/v8", arm.toString());
    assertEquals(true, Platform.parse("linux/arm64").accepts(arm));
    assertEquals(false, arm.accepts(Platform.parse("linux/arm64/v9")));
    assertEquals(false, Platform.parse("linux/amd64").accepts(arm));
    ImageException e = assertThrows(ImageException.class, () -> Platform.parse("linux"));
    assertEquals(true, e.getMessage().contains("'linux'"));
  }
}
