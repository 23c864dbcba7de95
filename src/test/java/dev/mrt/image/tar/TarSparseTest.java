package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse files as GNU tar writes them (old GNU, pax 0.0, 0.1 and 1.0): unpacked whole, holes as
 * zeros, and counted against the caps by the size they unpack to, not the few bytes stored.
 */
class TarSparseTest {
  @TempDir Path temp;

  /** A file of {@code size} bytes, a hole but for "data" at {@code at}. */
  private Path holey(String name, long size, long at) throws IOException {
    Path f = Files.createDirectories(temp.resolve("src")).resolve(name);
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(size);
      r.seek(at);
      r.write("data".getBytes(StandardCharsets.US_ASCII));
    }
    return f;
  }

  /** GNU tar's --sparse archive of the src directory in the given format. */
  private Path tar(String format) throws Exception {
    Path out = temp.resolve(format + ".tar");
    String[] fmt =
        format.startsWith("pax")
            ? new String[] {
              "--format=posix",
              "--sparse-version=" + format.substring(3, 4) + "." + format.substring(4)
            }
            : new String[] {"--format=gnu"};
    ProcessBuilder pb = new ProcessBuilder("tar", fmt[0]).redirectErrorStream(true);
    for (int i = 1; i < fmt.length; i++) {
      pb.command().add(fmt[i]);
    }
    pb.command()
        .addAll(List.of("-S", "-cf", out.toString(), "-C", temp.resolve("src").toString(), "."));
    Process p = pb.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), said);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "pax00", "pax01", "pax10"})
  void testExtract_sparseFilesComeOutWhole(String format) throws Exception {
    Path small = holey("small", 300_000, 200_000);
    Path large = holey("large", 9_000_000, 8_000_000);
    Path archive = tar(format);
    // Genuinely sparse: the holes are not in the archive.
    assertTrue(Files.size(archive) < 100_000, format + ": " + Files.size(archive));

    Path dest = temp.resolve("dest");
    new TarExtractor(TarFixture.rootless()).extract(archive, dest);
    assertArrayEquals(Files.readAllBytes(small), Files.readAllBytes(dest.resolve("small")));
    assertArrayEquals(Files.readAllBytes(large), Files.readAllBytes(dest.resolve("large")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "pax10"})
  void testExtract_aSparseBombCountsByItsUnpackedSize(String format) throws Exception {
    holey("bomb", 64L << 20, 1);
    Path archive = tar(format);
    TarExtractor capped = new TarExtractor(TarFixture.rootless().withCaps(16L << 20, 1000));
    UnpackLimitException e =
        assertThrows(
            UnpackLimitException.class, () -> capped.extract(archive, temp.resolve("dest")));
    assertTrue(e.getMessage().contains("would pass 16777216 bytes unpacked"), e.getMessage());
  }
}
