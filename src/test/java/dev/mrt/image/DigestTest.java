package dev.mrt.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
  @ValueSource(
      strings = {
        "",
        "sha256:",
        "sha256:abc",
        "sha512:" + "aa",
        "SHA256:" + "0000000000000000000000000000000000000000000000000000000000000000",
        "sha256:" + "G000000000000000000000000000000000000000000000000000000000000000"
      })
  void testParse_invalid(String input) {
    Digest.InvalidDigestException e =
        assertThrows(Digest.InvalidDigestException.class, () -> Digest.parse(input));
    assertEquals(
        "invalid digest '" + input + "': expected sha256: followed by 64 lowercase hex digits",
        e.getMessage());
  }

  private static final String ABC =
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void testSha256_bytes_knownVectors() {
    assertEquals(ABC, Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII)).toString());
    assertEquals(
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Digest.sha256(new byte[0]).toString());
  }

  @Test
  void testSha256_file_sameAsBytesAcrossChunks(@TempDir Path dir) throws IOException {
    // Longer than one read chunk and not a multiple of it, so the tail is hashed too.
    byte[] data = new byte[600 * 1024 + 7];
    new Random(11).nextBytes(data);
    Path file = Files.write(dir.resolve("blob"), data);
    assertEquals(Digest.sha256(data), Digest.sha256(file));
    assertEquals(
        Digest.sha256(new byte[0]), Digest.sha256(Files.write(dir.resolve("e"), new byte[0])));
  }

  @Test
  void testSha256_missingFile_throwsIOException(@TempDir Path dir) {
    assertThrows(NoSuchFileException.class, () -> Digest.sha256(dir.resolve("absent")));
  }

  @Test
  void testHasher_freshEachTime_incrementalMatchesWhole() {
    // Interleaved: a shared instance would mix the two callers' bytes.
    MessageDigest one = Digest.hasher();
    MessageDigest other = Digest.hasher();
    one.update("ab".getBytes(StandardCharsets.US_ASCII));
    other.update("abc".getBytes(StandardCharsets.US_ASCII));
    one.update("c".getBytes(StandardCharsets.US_ASCII));
    assertEquals(ABC, Digest.of(one.digest()).toString());
    assertEquals(ABC, Digest.of(other.digest()).toString());
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
