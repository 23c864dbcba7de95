package dev.mrt.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A warm job's stdout, watched for the hand-off helper's "could not start the job" line, which
 * comes, if at all, before any byte of the job's own. The first bytes are held back until they
 * cannot be that line; the line itself never reaches the job's output.
 */
final class NotStartedFilter extends OutputStream {
  private final OutputStream sink;
  private final byte[] marker;
  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private boolean passing;
  private boolean matched;

  /**
   * @param marker what the line starts with, nonce included
   */
  NotStartedFilter(OutputStream sink, String marker) {
    this.sink = sink;
    this.marker = marker.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (passing) {
      sink.write(b, off, len);
      return;
    }
    head.write(b, off, len);
    if (matched) {
      return;
    }
    byte[] seen = head.toByteArray();
    int n = Math.min(seen.length, marker.length);
    if (!Arrays.equals(seen, 0, n, marker, 0, n)) {
      release();
    } else if (seen.length >= marker.length) {
      matched = true;
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    if (passing) {
      sink.flush();
    }
  }

  /** At the job's end: whatever is still held back was the job's own (a short output). */
  synchronized void finish() throws IOException {
    if (!passing && !matched) {
      release();
      sink.flush();
    }
  }

  /** The helper's reason, when it said it could not start the job. */
  synchronized Optional<String> reason() {
    if (!matched) {
      return Optional.empty();
    }
    String rest =
        new String(
            head.toByteArray(), marker.length, head.size() - marker.length, StandardCharsets.UTF_8);
    int end = rest.indexOf('\n');
    return Optional.of(end < 0 ? rest : rest.substring(0, end));
  }

  private void release() throws IOException {
    passing = true;
    head.writeTo(sink);
    head.reset();
  }
}
