package dev.mrt.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.host.Arch;
import dev.mrt.host.HostIds;
import dev.mrt.image.store.PreparedDirectory;
import dev.mrt.image.tar.Compression;
import dev.mrt.image.tar.TarFixture;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedAssetsTest {
  private static final HostIds ROOTLESS = new HostIds(1000, 1000, HostIds.current().umask());
  private static final byte[] RUNC = "#!/bin/sh\necho fake runc\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path cache;

  private final Map<String, byte[]> resources = new HashMap<>();

  private EmbeddedAssets assets() {
    AssetSource fake =
        resource ->
            Optional.ofNullable(resources.get(resource))
                .map(b -> (InputStream) new ByteArrayInputStream(b));
    return new EmbeddedAssets(cache, Arch.AMD64, fake, ROOTLESS);
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** Adds an asset and its sha256sum line, as make-assets.sh writes them. */
  private String put(String asset, byte[] data) throws Exception {
    String hex = sha256(data);
    resources.put("assets/amd64/" + asset, data);
    resources.put(
        "assets/amd64/" + asset + ".sha256",
        (hex + "  " + asset + "\n").getBytes(StandardCharsets.UTF_8));
    return hex;
  }

  private List<String> cacheListing() throws IOException {
    try (Stream<Path> files = Files.walk(cache)) {
      return files.map(p -> cache.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void testRunc_unpackedExecutableOnceAndReused() throws Exception {
    String hex = put(EmbeddedAssets.RUNC, TarFixture.zstd(RUNC));

    Path runc = assets().runc();
    Path again = assets().runc();

    assertEquals(cache.resolve("runc/" + hex + "/runc"), runc);
    assertEquals(runc, again);
    assertEquals(0755, (Integer) Files.getAttribute(runc, "unix:mode") & 07777);
    assertEquals(new String(RUNC, StandardCharsets.UTF_8), Files.readString(runc));
  }

  @Test
  void testRunc_checksumMismatchFailsAndLeavesNothing() throws Exception {
    put(EmbeddedAssets.RUNC, TarFixture.zstd(RUNC));
    String wrong = "0".repeat(64);
    resources.put(
        "assets/amd64/runc.zst.sha256", (wrong + "  runc.zst\n").getBytes(StandardCharsets.UTF_8));

    CorruptAssetException e = assertThrows(CorruptAssetException.class, () -> assets().runc());

    String actual = sha256(resources.get("assets/amd64/runc.zst"));
    assertEquals(
        "embedded asset assets/amd64/runc.zst is corrupt: sha256 "
            + actual
            + ", expected "
            + wrong
            + "; rebuild the jar",
        e.getMessage());
    assertEquals(List.of("", "runc", "runc/" + wrong + ".lock"), cacheListing());
  }

  @Test
  void testRunc_damagedDataReportedAsChecksumMismatch() throws Exception {
    byte[] good = TarFixture.zstd(RUNC);
    put(EmbeddedAssets.RUNC, good);
    byte[] damaged = good.clone();
    damaged[damaged.length / 2] ^= 0x7f;
    resources.put("assets/amd64/runc.zst", damaged);

    CorruptAssetException e = assertThrows(CorruptAssetException.class, () -> assets().runc());

    assertEquals(sha256(good), e.expected());
    assertEquals(sha256(damaged), e.actual());
  }

  @Test
  void testRunc_checksummedFrameIsCheckedByZstd() throws Exception {
    byte[] good = TarFixture.zstdWithChecksum(RUNC);
    String hex = put(EmbeddedAssets.RUNC, good);
    byte[] damaged = good.clone();
    damaged[damaged.length - 1] ^= 0x01; // the checksum itself: the content still decodes
    resources.put("assets/amd64/runc.zst", damaged);

    CorruptAssetException e = assertThrows(CorruptAssetException.class, () -> assets().runc());

    assertEquals(hex, e.expected());
    assertEquals(List.of("", "runc", "runc/" + hex + ".lock"), cacheListing());
    resources.put("assets/amd64/runc.zst", good);
    assertEquals(new String(RUNC, StandardCharsets.UTF_8), Files.readString(assets().runc()));
  }

  @Test
  void testDefaultRootfs_checksumAfterTheTarEndIsChecked() throws Exception {
    byte[] good =
        TarFixture.zstdWithChecksum(
            new TarFixture().dir("./etc", 0755).file("./etc/hostname", 0644, "mrt").tar());
    String hex = put(EmbeddedAssets.ROOTFS, good);
    byte[] damaged = good.clone();
    damaged[damaged.length - 1] ^= 0x01;
    resources.put("assets/amd64/rootfs.tar.zst", damaged);

    CorruptAssetException e =
        assertThrows(CorruptAssetException.class, () -> assets().defaultRootfs());

    assertEquals(hex, e.expected());
    assertEquals(List.of("", "rootfs", "rootfs/sha256-" + hex + ".lock"), cacheListing());
  }

  /** make-assets.sh relies on zstd's default (--check): the built assets must carry it. */
  @Test
  void testBuiltAssets_carryZstdChecksums() throws IOException {
    Path assets = Path.of("src/main/resources/assets");
    List<Path> built;
    try (Stream<Path> s = Files.walk(assets)) {
      built = s.filter(p -> p.toString().endsWith(".zst")).toList();
    }
    Assumptions.assumeFalse(built.isEmpty(), "no assets built (-Dmrt.assets.skip)");
    for (Path p : built) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(p))) {
        assertTrue(Compression.zstdWithChecksum(in), p + " has no zstd checksum");
      }
    }
  }

  @Test
  void testRunc_missingAssetNamesTheScript() {
    MissingAssetException e = assertThrows(MissingAssetException.class, () -> assets().runc());

    assertEquals(
        "embedded asset assets/amd64/runc.zst.sha256 is missing from this build; run"
            + " src/assets/make-assets.sh --arch amd64 and rebuild the jar",
        e.getMessage());
  }

  @Test
  void testDefaultRootfs_markerOutsideRootfsAndDevicesSkipped() throws Exception {
    byte[] tar =
        new TarFixture()
            .dir("./usr/bin", 0755)
            .file("./usr/bin/python3.11", 0755, "py")
            .symlink("./usr/bin/python3", "/usr/bin/python3.11")
            .charDevice("./dev/null", 1, 3)
            .tar();
    String hex = put(EmbeddedAssets.ROOTFS, TarFixture.zstd(tar));

    Path rootfs = assets().defaultRootfs();

    assertEquals(cache.resolve("rootfs/sha256-" + hex + "/rootfs"), rootfs);
    assertEquals("py", Files.readString(rootfs.resolve("usr/bin/python3.11")));
    assertFalse(Files.exists(rootfs.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(rootfs.resolve(PreparedDirectory.MARKER)));
    assertEquals(
        "sha256:" + hex, Files.readString(rootfs.resolveSibling(PreparedDirectory.MARKER)));
  }

  /** The jar's helper unpacks the default rootfs; cache entries show that it ran. */
  @Test
  void testDefaultRootfs_unpackedByTheHelperWhenTheJarHasIt() throws Exception {
    String builtHelper = "assets/" + Arch.host().debianName() + "/" + EmbeddedAssets.HANDOFF;
    byte[] helper;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(builtHelper)) {
      Assumptions.assumeTrue(
          in != null || System.getenv("CI") != null, "no assets built (-Dmrt.assets.skip)");
      assertNotNull(in, builtHelper + " is missing: CI builds the assets");
      helper = in.readAllBytes();
    }
    String helperHex = put(EmbeddedAssets.HANDOFF, helper);
    byte[] tar =
        new TarFixture()
            .dir("./usr/bin", 0755)
            .file("./usr/bin/su", 04755, "su")
            .charDevice("./dev/null", 1, 3)
            .tar();
    String hex = put(EmbeddedAssets.ROOTFS, TarFixture.zstdWithChecksum(tar));

    Path rootfs = assets().defaultRootfs();

    assertEquals(cache.resolve("rootfs/sha256-" + hex + "/rootfs"), rootfs);
    assertTrue(cacheListing().contains("handoff/" + helperHex + "/mrt-handoff"), "helper unused");
    assertEquals("su", Files.readString(rootfs.resolve("usr/bin/su")));
    assertEquals(
        04755, (Integer) Files.getAttribute(rootfs.resolve("usr/bin/su"), "unix:mode") & 07777);
    assertFalse(Files.exists(rootfs.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void testDefaultRootfs_checksumMismatchLeavesNoPartialRootfs() throws Exception {
    put(
        EmbeddedAssets.ROOTFS,
        TarFixture.zstd(new TarFixture().file("etc/os-release", 0644, "x").tar()));
    String wrong = "f".repeat(64);
    resources.put(
        "assets/amd64/rootfs.tar.zst.sha256",
        (wrong + "  rootfs.tar.zst\n").getBytes(StandardCharsets.UTF_8));

    assertThrows(CorruptAssetException.class, () -> assets().defaultRootfs());

    assertEquals(List.of("", "rootfs", "rootfs/sha256-" + wrong + ".lock"), cacheListing());
  }

  @Test
  void testInfo_parsesKeyValueLines() throws Exception {
    resources.put(
        "assets/amd64/runc.zst.info",
        "asset=runc.zst\nversion=1.1.15\nbuild_command=go build -ldflags \"-X a=b\"\n"
            .getBytes(StandardCharsets.UTF_8));

    Map<String, String> info = assets().info(EmbeddedAssets.RUNC);

    assertEquals(List.of("asset", "version", "build_command"), List.copyOf(info.keySet()));
    assertEquals("1.1.15", info.get("version"));
    assertEquals("go build -ldflags \"-X a=b\"", info.get("build_command"));
  }

  @Test
  void testClasspathSource_findsResourceOrEmpty() throws IOException {
    AssetSource classpath = AssetSource.classpath(getClass().getClassLoader());

    assertTrue(classpath.open("application.properties").isPresent());
    assertTrue(classpath.open("assets/none/nothing").isEmpty());
  }

  @Test
  void testMcpclientRunner_unpackedOnceReadableByAll() throws Exception {
    byte[] script = "print('runner')\n".getBytes(StandardCharsets.UTF_8);
    String hex = sha256(script);
    resources.put("assets/mcpclient-runner.py", script);
    resources.put(
        "assets/mcpclient-runner.py.sha256",
        (hex + "  mcpclient-runner.py\n").getBytes(StandardCharsets.UTF_8));
    Path runner = assets().mcpclientRunner();
    assertEquals(cache.resolve("runner/" + hex + "/mcpclient-runner.py"), runner);
    assertEquals("print('runner')\n", Files.readString(runner));
    // Bind-mounted into containers that may run as the image's own user.
    assertEquals(0644, (int) Files.getAttribute(runner, "unix:mode") & 0777);
    assertEquals(0755, (int) Files.getAttribute(runner.getParent(), "unix:mode") & 0777);
    assertEquals(runner, assets().mcpclientRunner());
  }

  @Test
  void testMcpclientRunner_damagedFailsNamingTheChecksum() throws Exception {
    resources.put(
        "assets/mcpclient-runner.py", "print('changed')\n".getBytes(StandardCharsets.UTF_8));
    resources.put(
        "assets/mcpclient-runner.py.sha256",
        (sha256("print('runner')\n".getBytes(StandardCharsets.UTF_8)) + "  mcpclient-runner.py\n")
            .getBytes(StandardCharsets.UTF_8));
    CorruptAssetException e =
        assertThrows(CorruptAssetException.class, () -> assets().mcpclientRunner());
    assertTrue(e.getMessage().contains("assets/mcpclient-runner.py"), e.getMessage());
    assertFalse(
        Files.exists(cache.resolve("runner"))
            && cacheListing().stream().anyMatch(p -> p.endsWith(".py")));
  }

  /** The committed checksum is the script's: a change to one without the other fails here. */
  @Test
  void testMcpclientRunner_committedChecksumMatchesTheScript() throws Exception {
    Path dir = Path.of("src/main/resources/assets");
    String line = Files.readString(dir.resolve("mcpclient-runner.py.sha256")).strip();
    assertEquals(
        sha256(Files.readAllBytes(dir.resolve("mcpclient-runner.py"))) + "  mcpclient-runner.py",
        line,
        "after changing mcpclient-runner.py, run: (cd src/main/resources/assets &&"
            + " sha256sum mcpclient-runner.py > mcpclient-runner.py.sha256)");
  }
}
