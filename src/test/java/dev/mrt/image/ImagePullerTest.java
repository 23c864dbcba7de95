package dev.mrt.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.host.HostIds;
import dev.mrt.image.registry.BlobSource;
import dev.mrt.image.registry.Descriptor;
import dev.mrt.image.registry.DigestMismatchException;
import dev.mrt.image.registry.PulledManifest;
import dev.mrt.image.registry.RegistryException;
import dev.mrt.image.store.CacheLayout;
import dev.mrt.image.store.ImageStore;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.TarExtractor;
import dev.mrt.image.tar.TarFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImagePuller against an in-memory source: what it fetches, unpacks, checks and records. */
class ImagePullerTest {
  private static final String NAME = "example.org/app:1";

  @TempDir Path cache;

  /** Serves one {@link TestImage}; remembers which blobs were asked for. */
  private static final class FakeSource implements BlobSource {
    final TestImage image;
    final Set<Digest> fetched = ConcurrentHashMap.newKeySet();

    FakeSource(TestImage image) {
      this.image = image;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public PulledManifest manifest(Platform platform) {
      return image.pulled(NAME);
    }

    @Override
    public void fetchBlob(Descriptor blob, Path target, LongConsumer progress, OutputStream copy) {
      try (copy) {
        byte[] content = write(blob, target, progress);
        copy.write(content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void fetchBlobs(
        List<Descriptor> blobs, Function<Descriptor, Path> target, LongConsumer progress) {
      blobs.forEach(d -> write(d, target.apply(d), progress));
    }

    private byte[] write(Descriptor blob, Path target, LongConsumer progress) {
      fetched.add(blob.digest());
      byte[] content = image.blobs.get(blob.digest());
      try {
        Files.write(target, content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      progress.accept(content.length);
      return content;
    }
  }

  private ImageStore store() {
    return new ImageStore(cache);
  }

  private ImagePuller.Result pull(FakeSource source) {
    ImagePuller puller = new ImagePuller(store(), new TarExtractor(TarFixture.rootless()));
    return puller.pull(source, Platform.host(false), ImagePuller.Progress.NONE);
  }

  private static TestImage twoLayers() {
    byte[] lower = new TarFixture().file("etc/a", 0644, "1").file("etc/b", 0644, "lower").tar();
    return TestImage.of(lower, TestImage.layer("etc/b", "upper"));
  }

  private static Set<Digest> digests(List<Descriptor> blobs) {
    return blobs.stream().map(Descriptor::digest).collect(Collectors.toSet());
  }

  @Test
  void testPull_appliesLayersInOrderAndRecordsTheName() throws IOException {
    TestImage image = twoLayers();
    FakeSource source = new FakeSource(image);
    ImagePuller.Result r = pull(source);

    Path rootfs = r.image().rootfs();
    assertEquals("1", Files.readString(rootfs.resolve("etc/a")));
    assertEquals("upper", Files.readString(rootfs.resolve("etc/b")));
    assertEquals(List.of("/bin/true"), r.image().config().cmd());
    assertEquals(store().layout().imageRootfs(image.manifestDigest), rootfs.getParent());
    assertArrayEquals(
        image.blobs.get(image.config.digest()),
        Files.readAllBytes(rootfs.resolveSibling("config.json")));
    assertEquals(image.manifestDigest, store().find(NAME).orElseThrow().manifest());
    assertEquals(image.pulled(NAME).totalSize(), r.bytesFetched());
    assertEquals(image.blobs.keySet(), source.fetched);
    for (Descriptor d : image.layers) {
      assertTrue(store().hasBlob(d.digest(), d.size()), "layer " + d.digest() + " stored");
    }
    assertTrue(
        store().layout().blobFiles().stream().noneMatch(f -> f instanceof CacheLayout.Partial),
        "no temp blob left");
  }

  @Test
  void testPull_againFetchesNothing() {
    pull(new FakeSource(twoLayers()));
    FakeSource again = new FakeSource(twoLayers());
    ImagePuller.Result r = pull(again);
    assertEquals(Set.of(), again.fetched);
    assertEquals(0, r.bytesFetched());
  }

  @Test
  void testPull_aLayerAlreadyStoredIsNotFetchedAgain() {
    byte[] shared = TestImage.layer("lib/shared", "s");
    pull(new FakeSource(TestImage.of(shared)));
    TestImage second = TestImage.of(shared, TestImage.layer("app/x", "x"));
    FakeSource source = new FakeSource(second);
    ImagePuller.Result r = pull(source);
    assertEquals(Set.of(second.config.digest(), second.layers.get(1).digest()), source.fetched);
    assertTrue(Files.exists(r.image().rootfs().resolve("lib/shared")));
    assertTrue(digests(second.layers).stream().allMatch(d -> Files.exists(store().blob(d))));
  }

  @Test
  void testPull_aLayerNotMatchingItsDiffIdFailsAndLeavesNothingBehind() {
    byte[] tar = TestImage.layer("etc/a", "1");
    TestImage image = TestImage.withDiffIds(List.of(Digest.sha256(new byte[] {1})), tar);
    DigestMismatchException e =
        assertThrows(DigestMismatchException.class, () -> pull(new FakeSource(image)));
    assertTrue(e.getMessage().contains("diff_id"), e.getMessage());
    assertFalse(Files.exists(store().layout().imageRootfs(image.manifestDigest)));
    assertTrue(store().find(NAME).isEmpty());
    Descriptor layer = image.layers.get(0);
    assertFalse(store().hasBlob(layer.digest(), layer.size()), "an unverified layer was kept");
  }

  @Test
  void testPull_aConfigListingTooFewDiffIdsIsRefused() {
    TestImage image = TestImage.withDiffIds(List.of(), TestImage.layer("a", "a"));
    RegistryException e = assertThrows(RegistryException.class, () -> pull(new FakeSource(image)));
    assertTrue(e.getMessage().contains("0 diff_ids for 1 layers"), e.getMessage());
  }

  @Test
  void testCached_rememberedUntilTheIndexChanges() throws IOException {
    ImagePuller puller =
        new ImagePuller(
            store(),
            new TarExtractor(new TarExtractor.Options(false, false, HostIds.current().umask())));
    TestImage image = twoLayers();
    pull(new FakeSource(image));
    var stamp = store().indexStamp();
    PreparedImage first = puller.cached(NAME).orElseThrow();
    // Used a moment ago (by the pull): the look-up leaves the index alone, so no other name's
    // memo, nor another process's, ends with it.
    assertEquals(stamp, store().indexStamp());
    Path config = store().layout().imageRootfs(image.manifestDigest).resolve("config.json");
    byte[] saved = Files.readAllBytes(config);
    Files.delete(config);
    // Not read again while the index is as it was: the second ask touches no file of the image.
    assertEquals(first, puller.cached(NAME).orElseThrow());
    // Another name recorded (a pull in any process) rewrites the index: looked up anew.
    store().record("other:tag", image.manifestDigest, 1);
    assertTrue(puller.cached(NAME).isEmpty(), "the config is gone, so the image is not usable");
    Files.write(config, saved);
    assertEquals(first.digest(), puller.cached(NAME).orElseThrow().digest());
  }

  @Test
  void testCached_onlyWhileItsRootfsIsComplete() throws IOException {
    ImagePuller puller = new ImagePuller(store(), new TarExtractor(TarFixture.rootless()));
    assertTrue(puller.cached(NAME).isEmpty());
    TestImage image = twoLayers();
    pull(new FakeSource(image));
    PreparedImage cached = puller.cached(NAME).orElseThrow();
    assertEquals(image.manifestDigest.toString(), cached.digest());
    assertEquals("upper", Files.readString(cached.rootfs().resolve("etc/b")));
    Files.delete(
        store().layout().imageRootfs(image.manifestDigest).resolve(PreparedDirectory.MARKER));
    assertTrue(puller.cached(NAME).isEmpty(), "a rootfs without its marker is incomplete");
  }
}
