package dev.mrt.it;

import dev.mrt.host.FileTrees;
import dev.mrt.image.tar.TarFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The image Archivematica-style tests run client scripts in: Debian bookworm with Python 3, Django
 * 3.2 and mysqlclient, our MCPClient stand-in (src/test/harness) at /src/lib, and user
 * archivematica (333:333) as its User, like Archivematica's MCPClient image.
 *
 * <p>Built once per JVM and cached across runs under /tmp/mrt-it/harness, keyed by a hash of the
 * package list and the harness tree: the Debian root filesystem (about a minute) only when the
 * package list changes, the image (seconds) when the harness does. Everything there is
 * world-readable, so the rootless test user can use it as well.
 */
final class HarnessImage {
  static final String TAG = "harness";
  static final int UID = 333;
  static final int GID = 333;
  static final String HOME = "/var/lib/archivematica";

  /** Where the harness tree lands in the image; PYTHONPATH points here. */
  static final String LIB = "/src/lib";

  /** What Django 3.2 and mysqlclient need to import and reach MariaDB over TCP. */
  static final List<String> PACKAGES =
      List.of("python3-minimal", "python3-django", "python3-mysqldb");

  private static final Path CACHE = Path.of("/tmp/mrt-it", "harness");
  private static final String DJANGO = "/usr/lib/python3/dist-packages/django";

  /** Bump to rebuild every cached image when the way it is built changes. */
  private static final String FORMAT = "harness-image-2";

  private static HarnessImage built;

  private final Path dir;

  private HarnessImage(Path dir) {
    this.dir = dir;
  }

  /** The image, built on first use in this JVM (or taken from the cache). */
  static synchronized HarnessImage get() {
    if (built == null) {
      built = build();
    }
    return built;
  }

  /** The OCI layout that holds tag {@value #TAG}. */
  Path layout() {
    return dir.resolve("layout");
  }

  /** {@code oci:LAYOUT:harness}, as mrt's --image and mrt.archivematica settings take it. */
  String reference() {
    return "oci:" + layout() + ":" + TAG;
  }

  /**
   * A world-readable copy of the harness's archivematicaClientModules on the host, for mrt serve's
   * modules file (the checkout may be closed to the rootless test user).
   */
  Path modulesFile() {
    return dir.resolve("archivematicaClientModules");
  }

  /** The harness tree in the checkout (src/test/harness). */
  static Path tree() {
    String buildDir = System.getProperty("mrt.it.build-dir");
    Path base = buildDir == null ? Path.of("") : Path.of(buildDir).getParent();
    return base.resolve("src/test/harness").toAbsolutePath();
  }

  /** The modules file in the checkout; {@link #modulesFile()} is the one to hand to mrt. */
  static Path modulesSource() {
    return tree().resolve("archivematicaClientModules");
  }

  private static HarnessImage build() {
    List<String> mmdebstrap = mmdebstrapCommand();
    String rootfsKey = sha256(String.join("\0", mmdebstrap).getBytes(StandardCharsets.UTF_8));
    List<Path> files = treeFiles();
    String imageKey = imageKey(rootfsKey, files);
    Path dir = CACHE.resolve("image-" + imageKey.substring(0, 16));
    if (Files.isRegularFile(dir.resolve("layout/index.json"))) {
      return new HarnessImage(dir);
    }
    try {
      Files.createDirectories(CACHE);
      Path rootfs = rootfs(mmdebstrap, rootfsKey);
      long started = System.nanoTime();
      Path tmp = Files.createTempDirectory(CACHE, "building-");
      Path layer = Files.write(tmp.resolve("harness-layer.tar"), harnessLayer(files));
      new OciImages(tmp.resolve("layout"))
          .image(
              TAG,
              arch(),
              List.of(rootfs, layer),
              "--config.env",
              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "--config.env",
              "DJANGO_SETTINGS_MODULE=settings.test",
              "--config.env",
              "PYTHONPATH=" + LIB + ":" + LIB + "/clientScripts",
              "--config.env",
              "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES="
                  + LIB
                  + "/archivematicaClientModules",
              "--config.user",
              "archivematica",
              "--config.workingdir",
              "/");
      Files.delete(layer);
      // Each umoci config step leaves the superseded config and manifest behind.
      Shell.run("umoci", "gc", "--layout", tmp.resolve("layout").toString());
      Files.copy(modulesSource(), tmp.resolve("archivematicaClientModules"));
      // umoci writes index.json 0600; the rootless test user reads the layout too.
      Shell.run("chmod", "-R", "a+rX", tmp.toString());
      pruneExcept(dir.getFileName().toString(), rootfs.getFileName().toString());
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      System.err.printf(
          "harness image: %s built in %.1f s%n", dir, (System.nanoTime() - started) / 1e9);
      return new HarnessImage(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Debian root filesystem tarball, made with mmdebstrap unless cached. */
  private static Path rootfs(List<String> mmdebstrap, String key) throws IOException {
    Path tar = CACHE.resolve("rootfs-" + key.substring(0, 16) + ".tar");
    if (Files.isRegularFile(tar)) {
      return tar;
    }
    long started = System.nanoTime();
    Path tmp = CACHE.resolve("rootfs-" + ProcessHandle.current().pid() + ".tmp.tar");
    List<String> cmd = new ArrayList<>(mmdebstrap);
    cmd.add(tmp.toString());
    Shell.run(cmd);
    Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE);
    System.err.printf(
        "harness image: rootfs %s (%d MB) made in %.1f s%n",
        tar, Files.size(tar) >> 20, (System.nanoTime() - started) / 1e9);
    return tar;
  }

  /** mmdebstrap's arguments but the output file: also the rootfs cache key. */
  private static List<String> mmdebstrapCommand() {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "env",
                "SOURCE_DATE_EPOCH=1700000000",
                "mmdebstrap",
                "--mode=unshare",
                "--variant=essential",
                // Without the merged-usr hook, usrmerge pulls in Perl (build-facts.md).
                "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
                "--include=" + String.join(",", PACKAGES),
                "--dpkgopt=path-exclude=/usr/share/man/*",
                "--dpkgopt=path-exclude=/usr/share/locale/*",
                "--dpkgopt=path-exclude=/usr/share/info/*",
                "--dpkgopt=path-exclude=/usr/share/doc/*",
                "--dpkgopt=path-include=/usr/share/doc/*/copyright",
                // Django's translations are 14 MB. dpkg path-exclude on them makes the package's
                // byte-compiling postinst fail, so they go afterwards; English stays, since Django
                // insists on a catalogue for its default language when translation is on.
                "--customize-hook=find \"$1" + DJANGO + "\" -name '*.po' -delete",
                "--customize-hook=find \"$1"
                    + DJANGO
                    + "\" -path '*/locale/*' -name '*.mo'"
                    + " ! -path '*/locale/en/*' -delete",
                // Archivematica's MCPClient runs as archivematica; the image's User names it.
                "--customize-hook=echo 'archivematica:x:"
                    + UID
                    + ":"
                    + GID
                    + ":Archivematica:"
                    + HOME
                    + ":/usr/sbin/nologin' >> \"$1/etc/passwd\"",
                "--customize-hook=echo 'archivematica:x:" + GID + ":' >> \"$1/etc/group\"",
                "--customize-hook=mkdir -p \"$1"
                    + HOME
                    + "\" && chown "
                    + UID
                    + ":"
                    + GID
                    + " \"$1"
                    + HOME
                    + "\"",
                "bookworm"));
    if (!arch().equals("amd64")) {
      cmd.add(cmd.indexOf("bookworm"), "--architectures=" + arch());
    }
    return cmd;
  }

  private static String imageKey(String rootfsKey, List<Path> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((FORMAT + "\0" + rootfsKey + "\0").getBytes(StandardCharsets.UTF_8));
      Path tree = tree();
      for (Path f : files) {
        md.update((tree.relativize(f) + "\0").getBytes(StandardCharsets.UTF_8));
        md.update(Files.readAllBytes(f));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The harness's files, sorted, without Python's caches from runs on the host. */
  private static List<Path> treeFiles() {
    Path tree = tree();
    if (!Files.isDirectory(tree)) {
      throw new IllegalStateException("no harness tree at " + tree);
    }
    try (Stream<Path> walk = Files.walk(tree)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/__pycache__/") && !p.toString().endsWith(".pyc"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** src/lib/... owned by root, read-only for the scripts' user, as an installed package. */
  private static byte[] harnessLayer(List<Path> files) throws IOException {
    Path tree = tree();
    TarFixture tar = new TarFixture().dir("src", 0755).dir("src/lib", 0755);
    List<String> dirs = new ArrayList<>();
    for (Path f : files) {
      Path rel = tree.relativize(f);
      for (Path d = rel.getParent(); d != null; d = d.getParent()) {
        if (!dirs.contains(d.toString())) {
          dirs.add(d.toString());
        }
      }
    }
    dirs.stream().sorted().forEach(d -> tar.dir("src/lib/" + d, 0755));
    for (Path f : files) {
      tar.file(
          "src/lib/" + tree.relativize(f),
          0644,
          new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
    }
    return tar.tar();
  }

  /** Older harness images and root filesystems: a changed tree or package list replaces them. */
  private static void pruneExcept(String image, String rootfs) throws IOException {
    try (Stream<Path> list = Files.list(CACHE)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        if ((name.startsWith("image-") && !name.equals(image))
            || (name.startsWith("rootfs-") && !name.equals(rootfs) && !name.contains(".tmp"))) {
          FileTrees.removeTree(p);
        }
      }
    }
  }

  private static String arch() {
    return System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
