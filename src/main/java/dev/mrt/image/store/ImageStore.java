package dev.mrt.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mrt.IoErrors;
import dev.mrt.JsonTrees;
import dev.mrt.MrtException;
import dev.mrt.host.LockFile;
import dev.mrt.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The content-addressed image cache, laid out like an OCI image layout so tools can read it (the
 * names are {@link CacheLayout}'s): blobs hold manifests, configs and layers, each written to a
 * temp name and renamed only after its digest was verified (a blob shared by images is stored once,
 * and a reader never sees half of one); the index maps references to manifest digests, read and
 * rewritten under a file lock so concurrent mrt processes never lose an entry; each image is
 * unpacked once, with its config, into a prepared root filesystem ({@link PreparedDirectory}).
 */
public final class ImageStore {
  /** One name in the cache. */
  public record Entry(String reference, Digest manifest, long size, Instant lastUsed) {}

  private final CacheLayout layout;

  public ImageStore(Path cacheDir) {
    this.layout = new CacheLayout(cacheDir);
  }

  /** Where everything of this cache is. */
  public CacheLayout layout() {
    return layout;
  }

  public Path blob(Digest d) {
    return layout.blob(d);
  }

  /** A blob is present when its file exists with the size its descriptor promised. */
  public boolean hasBlob(Digest d, long size) {
    try {
      return Files.size(blob(d)) == size;
    } catch (IOException e) {
      return false;
    }
  }

  /** A fresh temp file next to the blobs, for a writer that verifies before {@link #commit}. */
  public Path tempBlob(Digest d) {
    Path dir = layout.blobs();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw failed("create " + dir, e);
    }
    return layout.newTempBlob(d);
  }

  /**
   * Moves a verified temp file into place; the same content may already be there, which is fine.
   */
  public Path commit(Path temp, Digest d) {
    try {
      return Files.move(
          temp, blob(d), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw failed("store blob " + d, e);
    }
  }

  /** Stores small content (a manifest, a config) whose digest the caller checked. */
  public void putBlob(Digest d, byte[] content) {
    if (hasBlob(d, content.length)) {
      return;
    }
    Path temp = tempBlob(d);
    try {
      Files.write(temp, content, StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw failed("write " + temp, e);
    }
    commit(temp, d);
  }

  public Path imageRootfs(Digest manifest) {
    return layout.imageRootfs(manifest);
  }

  /** The index file as it was at one moment: another stamp differs once it was rewritten. */
  public record IndexStamp(Object fileKey, FileTime modified, long size) {}

  /** The index as it is now; empty when there is none yet (or it cannot be read). */
  public Optional<IndexStamp> indexStamp() {
    try {
      BasicFileAttributes a = Files.readAttributes(layout.index(), BasicFileAttributes.class);
      return Optional.of(new IndexStamp(a.fileKey(), a.lastModifiedTime(), a.size()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Names in the cache, as of now. */
  public List<Entry> entries() {
    return update(UnaryOperator.identity());
  }

  public Optional<Entry> find(String reference) {
    return entries().stream().filter(e -> e.reference().equals(reference)).findFirst();
  }

  /** Records that {@code reference} is {@code manifest} and was used now. */
  public void record(String reference, Digest manifest, long size) {
    update(
        list -> {
          list.removeIf(e -> e.reference().equals(reference));
          list.add(new Entry(reference, manifest, size, Instant.now()));
          return list;
        });
  }

  /** Forgets a name; returns what it was. The blobs stay until {@code gc}. */
  public Optional<Entry> remove(String reference) {
    Optional<Entry> found = find(reference);
    update(
        list -> {
          list.removeIf(e -> e.reference().equals(reference));
          return list;
        });
    return found;
  }

  /**
   * Reads the index, applies {@code change} and writes it back atomically, all under the lock.
   * Returns the new list.
   */
  private List<Entry> update(UnaryOperator<List<Entry>> change) {
    Path index = layout.index();
    try {
      Files.createDirectories(layout.root());
      try (LockFile lock = LockFile.acquire(layout.indexLock(), false)) {
        List<Entry> before = read(index);
        List<Entry> after = change.apply(new ArrayList<>(before));
        if (!after.equals(before)) {
          ArrayNode out = JsonNodeFactory.instance.arrayNode();
          for (Entry e : after) {
            out.addObject()
                .put("reference", e.reference())
                .put("manifest", e.manifest().toString())
                .put("size", e.size())
                .put("lastUsed", e.lastUsed().toString());
          }
          Path temp = layout.indexTemp();
          Files.writeString(temp, JsonTrees.pretty(out));
          Files.move(
              temp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return List.copyOf(after);
      }
    } catch (IOException e) {
      throw failed("update " + index, e);
    }
  }

  private static List<Entry> read(Path index) throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.exists(index)) {
      return out;
    }
    for (JsonNode n : JsonTrees.read(Files.readAllBytes(index))) {
      out.add(
          new Entry(
              n.path("reference").asText(),
              Digest.parse(n.path("manifest").asText()),
              n.path("size").asLong(),
              Instant.parse(n.path("lastUsed").asText())));
    }
    return out;
  }

  private MrtException failed(String what, IOException e) {
    return new MrtException(
        "cannot "
            + what
            + " in the image cache "
            + layout.root()
            + " ("
            + IoErrors.describe(e)
            + "); check the cache directory (mrt.cache-dir)",
        e);
  }
}
