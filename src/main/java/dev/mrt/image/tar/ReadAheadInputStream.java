package dev.mrt.image.tar;

import dev.mrt.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on its own thread, a few chunks ahead of the consumer. Used for decompression so
 * that it overlaps with writing files, which is what {@code tar -I zstd} gets from running zstd as
 * a separate process.
 *
 * <p>{@link #close()} stops and joins the reader thread but does not close the source: once it
 * returns, the caller may read the source on (e.g. to finish a digest) without a race.
 */
final class ReadAheadInputStream extends InputStream {
  private static final byte[] END = new byte[0];

  private final BlockingQueue<Object> chunks;
  private final Thread reader;
  private volatile boolean stopped;
  private byte[] current = new byte[0];
  private int position;
  private boolean ended;

  ReadAheadInputStream(InputStream source, int chunkSize, int depth) {
    this.chunks = new ArrayBlockingQueue<>(depth);
    this.reader = DaemonThreads.start("mrt-read-ahead", () -> pump(source, chunkSize));
  }

  private void pump(InputStream source, int chunkSize) {
    try {
      while (!stopped) {
        byte[] chunk = source.readNBytes(chunkSize);
        if (chunk.length == 0) {
          chunks.put(END);
          return;
        }
        chunks.put(chunk);
      }
    } catch (IOException | RuntimeException e) {
      offer(e);
    } catch (InterruptedException e) {
      // close() interrupted us: the consumer is gone.
    }
  }

  private void offer(Exception failure) {
    try {
      chunks.put(failure);
    } catch (InterruptedException ignored) {
      // close() is running; nobody will read the failure.
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position == current.length && !nextChunk()) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  private boolean nextChunk() throws IOException {
    if (ended) {
      return false;
    }
    Object next;
    try {
      next = chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading ahead");
    }
    if (next instanceof IOException e) {
      ended = true;
      throw new IOException(e.getMessage(), e);
    }
    if (next instanceof RuntimeException e) {
      ended = true;
      throw e;
    }
    current = (byte[]) next;
    position = 0;
    ended = current == END;
    return !ended;
  }

  @Override
  public void close() throws IOException {
    stopped = true;
    reader.interrupt();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping the read-ahead thread");
    } finally {
      chunks.clear();
      current = END;
      position = 0;
      ended = true;
    }
  }
}
