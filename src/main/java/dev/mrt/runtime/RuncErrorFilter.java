package dev.mrt.runtime;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Passes a container's stderr through, but drops the line runc itself prints when it fails to start
 * a container: mrt reports that failure in one line of its own. The job's output is never held back
 * while runc's log is empty, which is the case for every container that started.
 */
final class RuncErrorFilter extends FilterOutputStream {
  private final Path log;
  private final ByteArrayOutputStream held = new ByteArrayOutputStream();

  RuncErrorFilter(OutputStream out, Path log) {
    super(out);
    this.log = log;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (held.size() == 0 && !runcFailed()) {
      out.write(b, off, len);
      return;
    }
    // runc logged an error: its last stderr line repeats it. Hold lines until complete.
    held.write(b, off, len);
    releaseCompleteLines();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void close() throws IOException {
    String rest = held.toString(StandardCharsets.UTF_8);
    held.reset();
    if (!rest.isEmpty() && !isRuncError(rest)) {
      out.write(rest.getBytes(StandardCharsets.UTF_8));
    }
    out.flush();
  }

  private void releaseCompleteLines() throws IOException {
    String text = held.toString(StandardCharsets.UTF_8);
    int nl;
    while ((nl = text.indexOf('\n')) >= 0) {
      String line = text.substring(0, nl + 1);
      if (!isRuncError(line)) {
        out.write(line.getBytes(StandardCharsets.UTF_8));
      }
      text = text.substring(nl + 1);
    }
    held.reset();
    held.write(text.getBytes(StandardCharsets.UTF_8));
  }

  private boolean runcFailed() {
    try {
      return Files.size(log) > 0 && RuncLog.lastError(log).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  private boolean isRuncError(String line) {
    Optional<String> error = RuncLog.lastError(log);
    return error.isPresent() && line.strip().equals(error.get().strip());
  }
}
