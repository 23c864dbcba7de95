package dev.mrt.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** A running {@code mrt serve}: its log, its java process, SIGTERM and the wait for its end. */
final class ServeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  ServeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the log has this text (e.g. "connected to gearmand 127.0.0.1:PORT "). */
  void awaitLog(String text, Duration limit) {
    // A daemon that has exited will never log it: say so at once, with what it did log.
    awaitCondition(
        "log line '" + text + "'",
        limit,
        () -> {
          if (log().contains(text)) {
            return true;
          }
          if (!process.isAlive()) {
            throw new AssertionError(
                "serve exited ("
                    + process.exitValue()
                    + ") before logging '"
                    + text
                    + "':\n"
                    + log());
          }
          return false;
        });
  }

  /** Waits until the log holds {@code text} at least {@code count} times. */
  void awaitLogCount(String text, int count, Duration limit) {
    awaitCondition(
        count + "x log line '" + text + "'", limit, () -> occurrences(log(), text) >= count);
  }

  static int occurrences(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  /**
   * The JVM's pid: the started process itself ({@code env} execs java), or its java descendant when
   * runuser sits in between.
   */
  long javaPid() {
    if (isJava(process.toHandle())) {
      return process.pid();
    }
    Optional<ProcessHandle> java =
        process.toHandle().descendants().filter(ServeProcess::isJava).findFirst();
    return java.orElseThrow(() -> new AssertionError("no java process under " + process.pid()))
        .pid();
  }

  private static boolean isJava(ProcessHandle h) {
    return h.info().command().map(c -> c.endsWith("/java")).orElse(false);
  }

  /** Sends SIGTERM to the JVM, as systemd's stop does. */
  void terminate() {
    try {
      Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(javaPid())).start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -TERM failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The exit status, once the process ended within the limit. */
  int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("mrt serve still running after " + limit + "\n" + log());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      terminate();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Polls a condition every 50 ms; fails with {@code what} after the limit. */
  static void awaitCondition(String what, Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
