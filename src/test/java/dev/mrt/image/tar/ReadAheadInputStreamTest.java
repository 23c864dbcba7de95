package dev.mrt.image.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
  @Test
  void testRead_deliversSourceBytesInOrder() throws IOException {
    byte[] data = new byte[100_000];
    new Random(1).nextBytes(data);

    try (ReadAheadInputStream in =
        new ReadAheadInputStream(new ByteArrayInputStream(data), 4096, 2)) {
      assertArrayEquals(data, in.readAllBytes());
      assertEquals(-1, in.read());
    }
  }

  @Test
  void testRead_sourceFailureSurfacesAsIOException() {
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("Truncated source");
          }
        };

    IOException e =
        assertThrows(
            IOException.class, () -> new ReadAheadInputStream(failing, 16, 2).readAllBytes());

    assertEquals("Truncated source", e.getMessage());
  }

  @Test
  void testClose_stopsReaderSoCallerOwnsSourceAgain() throws IOException {
    byte[] data = new byte[64 * 1024];
    ByteArrayInputStream source = new ByteArrayInputStream(data);
    ReadAheadInputStream in = new ReadAheadInputStream(source, 1024, 2);
    in.read(new byte[10]);

    in.close();
    int leftAfterClose = source.available();

    // The reader thread is joined: nothing else consumes the source any more.
    assertEquals(leftAfterClose, source.available());
    assertEquals(leftAfterClose, source.readAllBytes().length);
  }
}
