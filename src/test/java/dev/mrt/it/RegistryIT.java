package dev.mrt.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.host.FileTrees;
import dev.mrt.image.tar.TarFixture;
import dev.mrt.it.MrtCli.Mode;
import dev.mrt.it.MrtCli.Result;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pulls from a real registry (Debian's docker-registry on loopback) filled with images umoci and
 * skopeo made at test time: single-platform, OCI index and Docker manifest list, gzip, zstd and
 * uncompressed layers, whiteouts, Basic auth, a corrupted blob and a hostile layer.
 */
class RegistryIT {
  private static final Path ROOT =
      Path.of("/tmp/mrt-it", "registry-" + ProcessHandle.current().pid());
  private static LoopbackRegistry registry;
  private static OciImages images;
  private static String busybox;

  @BeforeAll
  static void fill() throws IOException {
    Files.createDirectories(ROOT);
    registry = LoopbackRegistry.start(ROOT.resolve("registry"), Optional.empty());
    images = new OciImages(ROOT.resolve("layout"));
    Path base = OciImages.busyboxRootfs();
    images.image(
        "bb",
        "amd64",
        List.of(base),
        "--config.env",
        "GREETING=from-image",
        "--config.workingdir",
        "/etc",
        "--config.cmd",
        "sh",
        "--config.cmd",
        "-c",
        "--config.cmd",
        "echo \"$GREETING $(pwd)\"");
    busybox = registry.push(images.layout(), "bb", "busybox:1");
    // Three layers: files, then a whiteout and an opaque directory on top.
    Path files =
        images.layerFile(
            "files",
            new TarFixture()
                .dir("opt/a", 0755)
                .file("opt/a/one", 0644, "1")
                .file("opt/a/two", 0644, "2")
                .dir("opt/b", 0755)
                .file("opt/b/old", 0644, "old")
                .file("opt/gone", 0644, "x")
                .tar());
    Path whiteouts =
        images.layerFile(
            "whiteouts",
            new TarFixture()
                .file("opt/.wh.gone", 0644, "")
                .file("opt/a/.wh.one", 0644, "")
                .file("opt/b/.wh..wh..opq", 0644, "")
                .file("opt/b/new", 0644, "new")
                .tar());
    images.image("layered", "amd64", List.of(base, files, whiteouts));
    Path hostile =
        images.layerFile(
            "hostile",
            new TarFixture()
                .symlink("escape", "/tmp")
                .file("escape/mrt-it-escaped", 0644, "gotcha")
                .tar());
    images.image("hostile", "amd64", List.of(base, hostile));
    images.image(
        "arm",
        "arm64",
        List.of(
            base,
            images.layerFile("arch-arm", new TarFixture().file("arch", 0644, "arm64").tar())));
    images.image(
        "amd",
        "amd64",
        List.of(
            base,
            images.layerFile("arch-amd", new TarFixture().file("arch", 0644, "amd64").tar())));
    images.index("multi", "amd", "arm");
    // umoci writes index.json 0600; the rootless test user reads the layout too.
    Shell.run("chmod", "-R", "a+rX", ROOT.toString());
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    FileTrees.removeTree(ROOT);
  }

  private static MrtCli fresh(Mode mode, Path temp) {
    return MrtCli.fresh("reg", mode, temp.getFileName().toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_pullsOnFirstUseAndAppliesImageConfig(Mode mode, @TempDir Path temp) {
    MrtCli cli = fresh(mode, temp);
    Result cmd = cli.run("run", "--image", busybox);
    assertEquals(0, cmd.exit(), cmd.toString());
    assertEquals("from-image /etc\n", cmd.stdout(), cmd.toString());
    Result explicit =
        cli.run(
            "run",
            "--image",
            busybox,
            "-e",
            "GREETING=override",
            "--",
            "sh",
            "-c",
            "echo $GREETING $(pwd) $(id -u)");
    assertEquals("override /etc 0\n", explicit.stdout(), explicit.toString());
    Result listed = cli.run("images");
    assertTrue(listed.stdout().contains(busybox), listed.toString());
  }

  @Test
  void testPull_whiteoutsAcrossZstdLayers(@TempDir Path temp) {
    Path zstd = ROOT.resolve("layout-zstd");
    Shell.run(
        "skopeo",
        "copy",
        "--quiet",
        "--dest-compress",
        "--dest-compress-format",
        "zstd",
        "oci:" + images.layout() + ":layered",
        "oci:" + zstd + ":layered");
    for (String[] variant :
        new String[][] {
          {images.layout().toString(), "layered-gzip:1"}, {zstd.toString(), "layered-zstd:1"}
        }) {
      String ref = registry.push(Path.of(variant[0]), "layered", variant[1]);
      Result r =
          fresh(Mode.ROOTFUL, temp)
              .run(
                  "run",
                  "--image",
                  ref,
                  "--",
                  "sh",
                  "-c",
                  "cd /opt && find . | sort | tr '\\n' ' '");
      assertEquals(0, r.exit(), r.toString());
      assertEquals(". ./a ./a/two ./b ./b/new ", r.stdout(), variant[1] + ": " + r);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_uncompressedLayers(Mode mode, @TempDir Path temp) {
    String ref = registry.pushUncompressed(images.layout(), "layered", "layered-tar");
    String manifest =
        Shell.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref);
    assertEquals(
        3, manifest.split("application/vnd.oci.image.layer.v1.tar\"", -1).length - 1, manifest);
    Result r =
        fresh(mode, temp)
            .run(
                "run", "--image", ref, "--", "sh", "-c", "cd /opt && find . | sort | tr '\\n' ' '");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(". ./a ./a/two ./b ./b/new ", r.stdout(), r.toString());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void testRun_fromOciLayoutDirectory(Mode mode, @TempDir Path temp) {
    MrtCli cli = fresh(mode, temp);
    Result r =
        cli.run(
            "run", "--image", "oci:" + images.layout() + ":layered", "--", "sh", "-c", "ls /opt/b");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("new\n", r.stdout(), r.toString());
    Result multi =
        cli.run("run", "--image", "oci:" + images.layout() + ":multi", "--", "cat", "/arch");
    assertEquals("amd64", multi.stdout(), multi.toString());
    Result missing = cli.run("run", "--image", "oci:" + images.layout() + ":nope", "--", "true");
    assertEquals(125, missing.exit(), missing.toString());
    assertTrue(
        missing
            .stderr()
            .startsWith(
                "mrt: cannot pull oci:"
                    + images.layout()
                    + ":nope: no image tagged nope in its index.json"),
        missing.toString());
  }

  @Test
  void testPull_ociIndexAndDockerListSelectPlatform(@TempDir Path temp) {
    String oci = registry.push(images.layout(), "multi", "multi:oci", "--all");
    String docker =
        registry.push(images.layout(), "multi", "multi:docker", "--all", "--format", "v2s2");
    MrtCli cli = fresh(Mode.ROOTFUL, temp);
    for (String ref : List.of(oci, docker)) {
      Result r = cli.run("run", "--image", ref, "--", "cat", "/arch");
      assertEquals("amd64", r.stdout(), ref + ": " + r);
      Result arm = cli.run("pull", "--platform", "linux/arm64", ref);
      assertEquals(0, arm.exit(), arm.toString());
      assertTrue(arm.stdout().startsWith("sha256:"), arm.toString());
      Result none = cli.run("pull", "--platform", "linux/s390x", ref);
      assertEquals(125, none.exit(), none.toString());
      assertTrue(
          none.stderr().contains("mrt: cannot pull " + ref + ": no image for linux/s390x"),
          none.toString());
    }
  }

  @Test
  void testPull_basicAuth(@TempDir Path temp) throws IOException {
    try (LoopbackRegistry locked =
        LoopbackRegistry.start(
            ROOT.resolve("locked"), Optional.of(new String[] {"mrt", "s3cret"}))) {
      String ref = locked.push(images.layout(), "bb", "private:1");
      MrtCli cli = fresh(Mode.ROOTFUL, temp);
      Result anonymous = cli.run("pull", ref);
      assertEquals(125, anonymous.exit(), anonymous.toString());
      assertTrue(
          anonymous
              .stderr()
              .startsWith("mrt: cannot pull " + ref + ": " + locked.host() + " requires a login"),
          anonymous.toString());
      // A credential helper named by credHelpers, found on the PATH mrt runs with.
      Path bin = cli.home().resolve("bin");
      Path helper =
          MrtCli.readableFile(
              bin.resolve("docker-credential-mrt-it"),
              "#!/bin/sh\n"
                  + "[ \"$1\" = get ] && [ \"$(cat)\" = "
                  + locked.host()
                  + " ] || exit 1\n"
                  + "echo '{\"ServerURL\":\""
                  + locked.host()
                  + "\",\"Username\":\"mrt\","
                  + "\"Secret\":\"s3cret\"}'\n");
      Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path helperConfig =
          MrtCli.readableFile(
              cli.home().resolve("helper.json"),
              "{\"credHelpers\":{\"" + locked.host() + "\":\"mrt-it\"}}");
      Result viaHelper =
          cli.withEnv("PATH", bin + ":" + System.getenv("PATH"))
              .withEnv("MRT_IMAGES_AUTH_FILE", helperConfig.toString())
              .run("pull", ref);
      assertEquals(0, viaHelper.exit(), viaHelper.toString());
      Path missingHelper =
          MrtCli.readableFile(
              cli.home().resolve("missing-helper.json"), "{\"credsStore\":\"not-installed\"}");
      Result missing =
          cli.withEnv("MRT_IMAGES_AUTH_FILE", missingHelper.toString()).run("pull", ref);
      assertEquals(125, missing.exit(), missing.toString());
      assertTrue(
          missing
              .stderr()
              .startsWith(
                  "mrt: credential helper docker-credential-not-installed"
                      + " (named in "
                      + missingHelper
                      + ") is not on PATH"),
          missing.toString());
      Path auth =
          MrtCli.readableFile(
              cli.home().resolve("auth.json"),
              ("{\"auths\":{\""
                      + locked.host()
                      + "\":{\"auth\":\""
                      + Base64.getEncoder()
                          .encodeToString("mrt:s3cret".getBytes(StandardCharsets.UTF_8))
                      + "\"}}}")
                  .getBytes());
      Result ok = cli.withEnv("MRT_IMAGES_AUTH_FILE", auth.toString()).run("pull", ref);
      assertEquals(0, ok.exit(), ok.toString());
      Result wrong =
          cli.withEnv(
                  "MRT_IMAGES_AUTH_FILE",
                  MrtCli.readableFile(
                          cli.home().resolve("wrong.json"),
                          ("{\"auths\":{\""
                                  + locked.host()
                                  + "\":{\"auth\":\""
                                  + Base64.getEncoder().encodeToString("mrt:nope".getBytes())
                                  + "\"}}}")
                              .getBytes())
                      .toString())
              .run("pull", ref);
      assertEquals(125, wrong.exit(), wrong.toString());
      assertTrue(wrong.stderr().contains("401 Unauthorized"), wrong.toString());
    }
  }

  @Test
  void testPull_corruptBlobRefusedAndNotKept(@TempDir Path temp) throws IOException {
    Path copy = ROOT.resolve("layout-corrupt");
    Shell.run("cp", "-a", images.layout().toString(), copy.toString());
    // A distinct layer, so corrupting it harms no other test's image.
    new OciImages(copy)
        .image(
            "lying",
            "amd64",
            List.of(
                new OciImages(copy)
                    .layerFile(
                        "lie", new TarFixture().file("data", 0644, "x".repeat(100_000)).tar())));
    String ref = registry.push(copy, "lying", "lying:1");
    String manifest =
        Shell.run("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref);
    String layer =
        manifest.replaceAll(
            "(?s).*\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]+)\".*", "$1");
    try (RandomAccessFile f = new RandomAccessFile(registry.blobData(layer).toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    MrtCli cli = fresh(Mode.ROOTFUL, temp);
    Result r = cli.run("pull", ref);
    assertEquals(125, r.exit(), r.toString());
    assertTrue(
        r.stderr()
            .contains(
                "mrt: cannot pull "
                    + ref
                    + ": blob "
                    + layer
                    + " does not match its content: expected "
                    + layer),
        r.toString());
    assertFalse(Files.exists(cli.cacheDir().resolve("blobs/sha256").resolve(layer.substring(7))));
  }

  @Test
  void testPull_hostileLayerRefused(@TempDir Path temp) {
    String ref = registry.push(images.layout(), "hostile", "hostile:1");
    Result r = fresh(Mode.ROOTFUL, temp).run("pull", ref);
    assertEquals(125, r.exit(), r.toString());
    assertTrue(
        r.stderr()
            .contains(
                "entry 'escape/mrt-it-escaped' would be written through the" + " symlink 'escape'"),
        r.toString());
    assertFalse(Files.exists(Path.of("/tmp/mrt-it-escaped")));
  }

  @Test
  void testPull_brokenTransferResumesWithRange(@TempDir Path temp) {
    try (CuttingProxy proxy = new CuttingProxy(registry.host())) {
      String ref = proxy.host() + "/busybox:1";
      Result r = fresh(Mode.ROOTFUL, temp).run("pull", ref);
      assertEquals(0, r.exit(), r.toString());
      assertTrue(
          proxy.blobRanges.stream().anyMatch(h -> h.matches("bytes=[1-9][0-9]*-")),
          "no resumed request: " + proxy.blobRanges);
      assertTrue(r.stderr().contains("retrying to fetch blob"), r.toString());
    }
  }

  @Test
  void testPull_twoProcessesAtOnceShareOneBundle(@TempDir Path temp) throws Exception {
    MrtCli cli = fresh(Mode.ROOTFUL, temp);
    Process a = cli.start("pull", busybox);
    Process b = cli.start("pull", busybox);
    String outA = new String(a.getInputStream().readAllBytes());
    String outB = new String(b.getInputStream().readAllBytes());
    assertEquals(0, a.waitFor(), new String(a.getErrorStream().readAllBytes()));
    assertEquals(0, b.waitFor(), new String(b.getErrorStream().readAllBytes()));
    assertEquals(outA, outB);
    try (Stream<Path> bundles = Files.list(cli.cacheDir().resolve("bundles"))) {
      assertEquals(1, bundles.filter(Files::isDirectory).count());
    }
    Result rmi = cli.run("rmi", busybox);
    assertEquals(0, rmi.exit(), rmi.toString());
    assertFalse(cli.run("images").stdout().contains(busybox));
    Result again = cli.run("rmi", busybox);
    assertEquals(125, again.exit());
    assertNotEquals("", again.stderr());
    Result gc = cli.run("gc");
    assertTrue(gc.stdout().startsWith("removed 3 blobs and 1 unpacked images"), gc.toString());
    try (Stream<Path> blobs = Files.list(cli.cacheDir().resolve("blobs/sha256"))) {
      assertEquals(0, blobs.count());
    }
    // Nor the .lock and .inuse files of the removed bundle.
    try (Stream<Path> left = Files.list(cli.cacheDir().resolve("bundles"))) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList());
    }
  }
}
