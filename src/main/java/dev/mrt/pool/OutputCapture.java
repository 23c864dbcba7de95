package dev.mrt.pool;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/** Keeps the first {@code limit} bytes written and counts the rest, so one job cannot eat RAM. */
final class OutputCapture extends OutputStream {
  private final int limit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long dropped;

  OutputCapture(int limit) {
    this.limit = limit;
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    int room = Math.max(0, limit - kept.size());
    int take = Math.min(room, len);
    kept.write(b, off, take);
    dropped += len - take;
  }

  synchronized CapturedOutput result() {
    return new CapturedOutput(kept.toByteArray(), dropped);
  }
}
