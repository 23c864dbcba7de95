package dev.mrt.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.image.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
  private static Digest digest(int i) {
    return new Digest(String.format("%064x", i));
  }

  @Test
  void testRecord_concurrentWritersLoseNothing(@TempDir Path cache) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        // A store per task, like separate processes sharing one cache directory.
        done.add(pool.submit(() -> new ImageStore(cache).record("r/x:" + n, digest(n), n)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(40, new ImageStore(cache).entries().size());
    assertEquals(digest(7), new ImageStore(cache).find("r/x:7").orElseThrow().manifest());
  }

  @Test
  void testRemove_andRecordReplaces(@TempDir Path cache) {
    ImageStore store = new ImageStore(cache);
    store.record("a", digest(1), 1);
    store.record("a", digest(2), 2);
    assertEquals(1, store.entries().size());
    assertEquals(digest(2), store.remove("a").orElseThrow().manifest());
    assertTrue(store.entries().isEmpty());
    assertFalse(store.remove("a").isPresent());
  }

  @Test
  void testBlobs_storedOnceByDigest(@TempDir Path cache) throws Exception {
    ImageStore store = new ImageStore(cache);
    byte[] content = "hello".getBytes();
    Digest d = Digest.of(MessageDigest.getInstance("SHA-256").digest(content));
    store.putBlob(d, content);
    Path temp = store.tempBlob(d);
    Files.write(temp, content);
    store.commit(temp, d); // the same content again: replaced in place, still one file
    assertEquals(cache.resolve("blobs/sha256").resolve(d.hex()), store.blob(d));
    assertTrue(store.hasBlob(d, 5));
    assertFalse(store.hasBlob(d, 6));
    try (var files = Files.list(cache.resolve("blobs/sha256"))) {
      assertEquals(1, files.count());
    }
  }
}
