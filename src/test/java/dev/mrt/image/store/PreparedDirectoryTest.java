package dev.mrt.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedDirectoryTest {
  private static final String NAME = "rootfs/sha256-abc";
  private static final String DIGEST = "sha256:abc";

  @TempDir Path cache;

  private final AtomicInteger populations = new AtomicInteger();

  private PreparedDirectory.Populator writing(String content) {
    return dir -> {
      populations.incrementAndGet();
      Files.writeString(Files.createDirectory(dir.resolve("rootfs")).resolve("f"), content);
    };
  }

  private List<String> cacheListing() throws IOException {
    try (Stream<Path> files = Files.walk(cache)) {
      return files.map(p -> cache.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void testEnsure_firstCallPopulatesAndWritesMarker() throws IOException {
    Path dir = PreparedDirectory.ensure(cache, NAME, DIGEST, writing("one"));

    assertEquals(cache.resolve(NAME), dir);
    assertEquals("one", Files.readString(dir.resolve("rootfs/f")));
    assertEquals(DIGEST, Files.readString(dir.resolve(PreparedDirectory.MARKER)));
    assertEquals(1, populations.get());
  }

  @Test
  void testEnsure_matchingMarkerIsReused() throws IOException {
    PreparedDirectory.ensure(cache, NAME, DIGEST, writing("one"));

    Path again = PreparedDirectory.ensure(cache, NAME, DIGEST, writing("two"));

    assertEquals("one", Files.readString(again.resolve("rootfs/f")));
    assertEquals(1, populations.get());
  }

  @Test
  void testEnsure_wrongMarkerRebuilds() throws IOException {
    Path dir = PreparedDirectory.ensure(cache, NAME, DIGEST, writing("one"));
    Files.writeString(dir.resolve(PreparedDirectory.MARKER), "sha256:other");

    PreparedDirectory.ensure(cache, NAME, DIGEST, writing("two"));

    assertEquals("two", Files.readString(dir.resolve("rootfs/f")));
    assertEquals(2, populations.get());
  }

  @Test
  void testEnsure_missingMarkerRebuildsHalfMadeDirectory() throws IOException {
    // What a crash between populating and renaming by an older version could leave.
    Path halfMade = Files.createDirectories(cache.resolve(NAME).resolve("rootfs/junk"));
    Files.setAttribute(halfMade, "unix:mode", 0555);

    Path dir = PreparedDirectory.ensure(cache, NAME, DIGEST, writing("fresh"));

    assertFalse(Files.exists(dir.resolve("rootfs/junk")));
    assertEquals("fresh", Files.readString(dir.resolve("rootfs/f")));
  }

  @Test
  void testEnsure_failedPopulateLeavesNothing() throws IOException {
    IOException boom = new IOException("disk full");
    PreparedDirectory.Populator failing =
        dir -> {
          Files.writeString(dir.resolve("partial"), "x");
          throw boom;
        };

    RuntimeException e =
        assertThrows(
            RuntimeException.class, () -> PreparedDirectory.ensure(cache, NAME, DIGEST, failing));

    assertEquals(boom, e.getCause());
    assertEquals(List.of("", "rootfs", "rootfs/sha256-abc.lock"), cacheListing());
  }

  @Test
  void testEnsure_staleTempDirIsRemoved() throws IOException {
    Path stale = Files.createDirectories(cache.resolve("rootfs/.sha256-abc.tmp-123/rootfs"));

    PreparedDirectory.ensure(cache, NAME, DIGEST, writing("one"));

    assertFalse(Files.exists(stale));
  }

  @Test
  void testEnsure_nameClimbingOutRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PreparedDirectory.ensure(cache, "../x", DIGEST, writing("one")));
  }

  @Test
  void testEnsure_concurrentThreadsPopulateOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      PreparedDirectory.Populator slow =
          dir -> {
            writing("once").populate(dir);
            sleep(200);
          };
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> PreparedDirectory.ensure(cache, NAME, DIGEST, slow)));
      }
      for (Future<Path> result : results) {
        assertEquals(
            "once", Files.readString(result.get(30, TimeUnit.SECONDS).resolve("rootfs/f")));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, populations.get());
  }

  @Test
  void testEnsure_concurrentProcessesPopulateOnce() throws Exception {
    Path log = cache.resolve("populations.log");
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      children.add(
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  PreparedDirectoryChild.class.getName(),
                  cache.toString(),
                  NAME,
                  DIGEST,
                  log.toString())
              .redirectErrorStream(true)
              .start());
    }
    for (Process child : children) {
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child finished");
      String output = new String(child.getInputStream().readAllBytes());
      assertEquals(0, child.exitValue(), output);
    }

    assertEquals(1, Files.readAllLines(log).size(), "populated by exactly one process");
    assertEquals(DIGEST, Files.readString(cache.resolve(NAME).resolve(PreparedDirectory.MARKER)));
  }

  static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
