package dev.mrt.assets;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.mrt.MrtException;
import dev.mrt.bundle.HandoffHelper;
import dev.mrt.config.MrtPaths;
import dev.mrt.host.Arch;
import dev.mrt.host.HostIds;
import dev.mrt.image.DefaultRootfs;
import dev.mrt.image.Digest;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.Compression;
import dev.mrt.image.tar.NativeTarExtractor;
import dev.mrt.image.tar.TarExtractor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.jboss.logging.Logger;

/**
 * The runc binary and default root filesystem built into the jar by {@code
 * src/assets/make-assets.sh}, unpacked once per content into the cache directory.
 *
 * <p>Each asset {@code assets/<arch>/<file>} has a {@code <file>.sha256} next to it. The digest
 * names the cache entry (so a new jar never reuses an old unpack). What is unpacked is checked
 * while it streams (by zstd's frame checksum, else by that digest), so a damaged jar fails before
 * anything is used.
 */
@ApplicationScoped
public class EmbeddedAssets implements DefaultRootfs, HandoffHelper {

  public static final String RUNC = "runc.zst";
  public static final String ROOTFS = "rootfs.tar.zst";
  public static final String HANDOFF = "mrt-handoff.zst";

  /** Architecture-independent: {@code assets/mcpclient-runner.py}. */
  public static final String MCPCLIENT_RUNNER = "mcpclient-runner.py";

  private static final Logger LOG = Logger.getLogger(EmbeddedAssets.class);
  private static final Pattern SHA256_LINE = Pattern.compile("([0-9a-f]{64}) [ *]?\\S.*\\s*");

  private final Path cacheDir;
  private final Arch arch;
  private final AssetSource source;
  private final HostIds ids;

  @Inject
  public EmbeddedAssets(MrtPaths paths, HostIds ids) {
    this(
        paths.cacheDir(),
        Arch.host(),
        AssetSource.classpath(EmbeddedAssets.class.getClassLoader()),
        ids);
  }

  EmbeddedAssets(Path cacheDir, Arch arch, AssetSource source, HostIds ids) {
    this.cacheDir = cacheDir;
    this.arch = arch;
    this.source = source;
    this.ids = ids;
  }

  /** The embedded runc for this host, as an executable file: {@code <cache>/runc/<hex>/runc}. */
  public Path runc() {
    // Only mrt's user runs it: its directory stays as private as the cache made it.
    return singleFile(RUNC, "runc", "runc", 0755, 0700, ZstdInputStreamNoFinalizer::new);
  }

  /**
   * The static helper that starts warm containers' jobs, {@code <cache>/handoff/<hex>/mrt-handoff}:
   * its directory is bind-mounted read-only into them, so every container user may read it.
   */
  @Override
  public Path handoff() {
    return singleFile(
        HANDOFF, "handoff", "mrt-handoff", 0755, 0755, ZstdInputStreamNoFinalizer::new);
  }

  /** {@code sha256:<hex>} of the embedded default rootfs tarball: its identity as an image. */
  @Override
  public String defaultRootfsDigest() {
    return "sha256:" + expectedSha256(ROOTFS);
  }

  /**
   * The default root filesystem for this host: {@code <cache>/rootfs/sha256-<hex>/rootfs}. The
   * marker of {@link PreparedDirectory} sits next to it, outside what the container sees.
   */
  @Override
  public Path defaultRootfs() {
    String hex = expectedSha256(ROOTFS);
    Path dir =
        PreparedDirectory.ensure(
            cacheDir,
            "rootfs/sha256-" + hex,
            "sha256:" + hex,
            temp -> {
              // The helper is an asset of its own, which the first run needs anyway.
              Extractor extractor = rootfsExtractor();
              long start = System.nanoTime();
              unpack(
                  ROOTFS,
                  hex,
                  in -> {
                    TarExtractor.Summary s =
                        extractor.extract(in, resource(ROOTFS), temp.resolve("rootfs"));
                    LOG.infof(
                        "unpacked %s (%d entries, %.1f MB) in %d ms",
                        resource(ROOTFS),
                        s.entries(),
                        s.bytes() / 1e6,
                        (System.nanoTime() - start) / 1_000_000);
                  });
            });
    return dir.resolve("rootfs");
  }

  private interface Extractor {
    TarExtractor.Summary extract(InputStream in, String archiveName, Path destination);
  }

  /**
   * The helper's libarchive, faster than tar where the Java unpacker, in a JVM that has just
   * started, takes twice tar's time; the Java unpacker only for a jar built without the helper.
   */
  private Extractor rootfsExtractor() {
    TarExtractor.Options options = TarExtractor.Options.forHost(ids);
    try {
      return new NativeTarExtractor(handoff(), options)::extract;
    } catch (MissingAssetException e) {
      return new TarExtractor(options)::extract;
    }
  }

  /**
   * The Archivematica runner script, checked against its digest: {@code
   * <cache>/runner/<hex>/mcpclient-runner.py}, readable by every container user (it is bind-mounted
   * read-only, and rootful containers may run as the image's own user).
   */
  public Path mcpclientRunner() {
    return singleFile(
        "assets/" + MCPCLIENT_RUNNER, "runner", MCPCLIENT_RUNNER, 0644, 0755, in -> in);
  }

  private interface Decoder {
    InputStream decode(InputStream in) throws IOException;
  }

  /**
   * An asset that is one file, unpacked once per digest into {@code <cache>/<kind>/<hex>/<name>}
   * with these modes, and checked while it streams.
   */
  private Path singleFile(
      String asset, String kind, String name, int fileMode, int dirMode, Decoder decoder) {
    String hex = expectedSha256(asset);
    Path dir =
        PreparedDirectory.ensure(
            cacheDir,
            kind + "/" + hex,
            "sha256:" + hex,
            temp -> {
              Path file = temp.resolve(name);
              unpack(
                  asset,
                  hex,
                  in -> {
                    try (InputStream plain = decoder.decode(in);
                        OutputStream out = Files.newOutputStream(file)) {
                      plain.transferTo(out);
                    }
                  });
              Files.setAttribute(file, "unix:mode", fileMode);
              Files.setAttribute(temp, "unix:mode", dirMode);
            });
    return dir.resolve(name);
  }

  /**
   * The provenance recorded when the asset was built ({@code version}, {@code source_package},
   * {@code build_date}, ...), in file order; for {@code mrt doctor} and {@code --version}.
   */
  public Map<String, String> info(String asset) {
    Map<String, String> info = new LinkedHashMap<>();
    for (String line : readSmall(asset + ".info").split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        info.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return Collections.unmodifiableMap(info);
  }

  /** The architecture whose assets this instance serves. */
  public Arch arch() {
    return arch;
  }

  private interface StreamConsumer {
    void accept(InputStream in) throws IOException;
  }

  /**
   * Streams an asset through {@code consumer}, which reads what it decodes to the end, and checks
   * it on the way: by the zstd frame's own checksum when it carries one (make-assets.sh's zstd
   * writes it; the build has already matched every asset to its sha256), else by hashing it against
   * {@code expectedHex}. Hashing was ~40% of a cold first-use unpack's reading thread (SHA-256
   * without the JIT's intrinsic). The caller's temp dir is then removed by {@link
   * PreparedDirectory}.
   */
  private void unpack(String asset, String expectedHex, StreamConsumer consumer)
      throws IOException {
    try (InputStream raw = new BufferedInputStream(open(asset), 64 * 1024)) {
      if (Compression.zstdWithChecksum(raw)) {
        try {
          consumer.accept(CloseShieldInputStream.wrap(raw));
        } catch (IOException | MrtException e) {
          // Damage usually breaks decoding: say so by the sha256, which says what to do.
          try (InputStream again = open(asset)) {
            hashAndCheck(asset, again, expectedHex);
          }
          throw e;
        }
        return;
      }
      hashAndCheck(asset, raw, expectedHex, consumer);
    }
  }

  private void hashAndCheck(String asset, InputStream raw, String expectedHex) throws IOException {
    hashAndCheck(asset, raw, expectedHex, in -> {});
  }

  /** Hashes all of {@code raw} while {@code consumer} reads it, then checks the digest. */
  private void hashAndCheck(
      String asset, InputStream raw, String expectedHex, StreamConsumer consumer)
      throws IOException {
    MessageDigest sha256 = Digest.hasher();
    DigestInputStream in = new DigestInputStream(raw, sha256);
    try {
      // Consumers close what they read from; the digest still needs the rest of the stream.
      consumer.accept(CloseShieldInputStream.wrap(in));
    } catch (IOException | MrtException e) {
      // A damaged asset usually breaks decompression first: report the checksum instead,
      // which says what to do, if it is indeed wrong.
      in.transferTo(OutputStream.nullOutputStream());
      checkDigest(asset, sha256, expectedHex);
      throw e;
    }
    in.transferTo(OutputStream.nullOutputStream());
    checkDigest(asset, sha256, expectedHex);
  }

  private void checkDigest(String asset, MessageDigest sha256, String expectedHex) {
    String actual = Digest.of(sha256.digest()).hex();
    if (!actual.equals(expectedHex)) {
      throw new CorruptAssetException(resource(asset), actual, expectedHex);
    }
  }

  private String expectedSha256(String asset) {
    String line = readSmall(asset + ".sha256").trim();
    var matcher = SHA256_LINE.matcher(line);
    if (!matcher.matches()) {
      throw new MrtException(
          "embedded "
              + resource(asset + ".sha256")
              + " is not in sha256sum format; rebuild the jar");
    }
    return matcher.group(1);
  }

  private String readSmall(String asset) {
    try (InputStream in = open(asset)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MrtException(
          "cannot read embedded " + resource(asset) + ": " + e + "; rebuild the jar", e);
    }
  }

  private InputStream open(String asset) throws IOException {
    return source
        .open(resource(asset))
        .orElseThrow(() -> new MissingAssetException(resource(asset), arch));
  }

  /** {@code assets/<arch>/<file>}; a name that already starts with assets/ is arch-independent. */
  private String resource(String asset) {
    return asset.startsWith("assets/") ? asset : "assets/" + arch.debianName() + "/" + asset;
  }
}
