package dev.mrt.gearman;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real gearmand for tests: listens on 127.0.0.1 on a free port, logs into a directory of its own,
 * can be restarted on the same port. Skips the test (assumption) when gearmand is not installed.
 */
public final class Gearmand implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Path logDir;
  private final String name;
  private final ServerAddress address;
  private Process process;
  private int starts;

  private Gearmand(Path logDir, String name, int port) {
    this.logDir = logDir;
    this.name = name;
    this.address = new ServerAddress("127.0.0.1", port);
  }

  /** Starts a gearmand on a free port; its logs go to {@code logDir/NAME-N.log}. */
  public static Gearmand start(Path logDir, String name) {
    assumeTrue(path() != null, "gearmand is not installed (apt-get install gearman-job-server)");
    Gearmand g = new Gearmand(logDir, name, freePort());
    g.launch();
    return g;
  }

  public ServerAddress address() {
    return address;
  }

  public int port() {
    return address.port();
  }

  /** {@code 127.0.0.1:PORT}, as mrt's settings take it. */
  public String hostPort() {
    return address.host() + ":" + address.port();
  }

  /** Stops gearmand (its in-memory queue is lost) and starts a new one on the same port. */
  public void restart() {
    stop();
    launch();
  }

  /** Stops gearmand and waits until it is gone. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  private void launch() {
    String base = name + "-" + (++starts);
    Path out = logDir.resolve(base + ".out");
    try {
      Files.createDirectories(logDir);
      process =
          new ProcessBuilder(
                  path(),
                  "--listen=127.0.0.1",
                  "--port=" + port(),
                  "--log-file=" + logDir.resolve(base + ".log"),
                  "--pid-file=" + logDir.resolve(base + ".pid"))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        try (Socket probe = new Socket(address.host(), port())) {
          return;
        } catch (IOException notYet) {
          if (!process.isAlive()) {
            throw new IllegalStateException("gearmand exited: " + Files.readString(out));
          }
          Thread.sleep(50);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException(
        "gearmand did not listen on " + address + " in " + START_TIMEOUT);
  }

  private static String path() {
    for (String p : new String[] {"/usr/sbin/gearmand", "/usr/bin/gearmand"}) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
