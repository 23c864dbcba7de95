package dev.mrt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Installs target/mrt_*.deb on this host, proves the rootless user it makes can run a container,
 * upgrades it over itself, and purges it. Changes the host: root only, and it leaves no mrt package
 * behind.
 */
class DebianPackageIT {
  static final Path BUILD =
      Path.of(System.getProperty("mrt.it.build-dir", "target")).toAbsolutePath();
  static final String VERSION = System.getProperty("mrt.it.version", "0.1.0-SNAPSHOT");

  static Path deb;

  @BeforeAll
  static void findPackage() throws IOException {
    assumeTrue(Host.isRoot(), "installing a package needs root");
    assumeTrue(!Boolean.getBoolean("mrt.it.deb-skipped"), "built with -Dmrt.deb.skip=true");
    try (Stream<Path> s = Files.list(BUILD)) {
      List<Path> debs = s.filter(p -> p.getFileName().toString().matches("mrt_.*\\.deb")).toList();
      assertEquals(1, debs.size(), "one target/mrt_*.deb (built by ./mvnw package): " + debs);
      deb = debs.get(0);
    }
    purgeIfInstalled();
  }

  @AfterAll
  static void cleanUp() {
    if (Host.isRoot()) {
      purgeIfInstalled();
    }
  }

  static boolean installed() {
    Host.Result r = Host.run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "mrt");
    return r.exit() == 0 && !r.output().startsWith("un") && !r.output().isBlank();
  }

  static void purgeIfInstalled() {
    if (installed()) {
      Host.Result r = Host.run("dpkg", "--purge", "mrt");
      assertEquals(0, r.exit(), "dpkg --purge mrt: " + r);
    }
  }

  static void install() {
    Host.Result r = Host.run("dpkg", "-i", "--force-confold", deb.toString());
    if (r.exit() != 0) {
      // Missing dependencies: let apt resolve them from the archive.
      r =
          Host.run(
              "apt-get", "install", "-y", "-o", "Dpkg::Options::=--force-confold", deb.toString());
    }
    assertEquals(0, r.exit(), "installing " + deb + ": " + r);
  }

  @Test
  void installRunRootlessUpgradePurge() throws IOException {
    install();

    // The rootless service user, with subordinate ids.
    assertEquals(0, Host.run("id", "-u", "mrt").exit(), "user mrt exists");
    assertEquals("/var/lib/mrt", Host.run("getent", "passwd", "mrt").output().split(":")[5]);
    assertTrue(
        Files.readAllLines(Path.of("/etc/subuid")).stream()
            .anyMatch(l -> l.matches("mrt:\\d+:\\d+")),
        "/etc/subuid has a range for mrt");
    assertTrue(
        Files.readAllLines(Path.of("/etc/subgid")).stream()
            .anyMatch(l -> l.matches("mrt:\\d+:\\d+")),
        "/etc/subgid has a range for mrt");

    // Files where they belong; the two configuration files are conffiles.
    for (String f :
        List.of(
            "/usr/lib/mrt/quarkus-run.jar",
            "/usr/lib/mrt/cli-run.jar",
            "/lib/systemd/system/mrt.service",
            "/etc/default/mrt",
            "/etc/mrt/mrt.properties",
            "/usr/share/doc/mrt/README.md")) {
      assertTrue(Files.isRegularFile(Path.of(f)), f);
    }
    assertEquals(
        "rwxr-xr-x",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/usr/bin/mrt"))));
    String conffiles = Host.run("dpkg-query", "-W", "-f=${Conffiles}", "mrt").output();
    assertTrue(conffiles.contains("/etc/default/mrt "), conffiles);
    assertTrue(conffiles.contains("/etc/mrt/mrt.properties "), conffiles);
    // Installed, not enabled: the operator configures /etc/default/mrt first.
    assertFalse(Files.exists(Path.of("/etc/systemd/system/multi-user.target.wants/mrt.service")));

    // The installed unit verifies too (its ExecStart now exists).
    Host.Result verify = Host.run("systemd-analyze", "verify", "/lib/systemd/system/mrt.service");
    assertTrue(
        verify.output().lines().noneMatch(l -> l.contains("mrt.service")), verify.toString());
    assertEquals(0, verify.exit(), verify.toString());

    Host.Result version = Host.run("/usr/bin/mrt", "--version");
    assertEquals(0, version.exit(), version.toString());
    assertTrue(version.output().contains("mrt " + VERSION), version.toString());

    // End to end: the package's own user runs a rootless container.
    Path home = Files.createTempDirectory(Path.of("/tmp"), "mrt-deb-it-");
    try {
      Host.run("chown", "mrt:mrt", home.toString());
      Host.Result run =
          Host.run(
              "runuser",
              "-u",
              "mrt",
              "--",
              "env",
              "MRT_CACHE_DIR=" + home.resolve("cache"),
              "MRT_STATE_DIR=" + home.resolve("state"),
              "/usr/bin/mrt",
              "run",
              "--",
              "sh",
              "-c",
              "echo in-container; id -u");
      assertEquals(0, run.exit(), run.toString());
      assertTrue(run.output().contains("in-container\n0\n"), run.toString());
      Host.Result truth =
          Host.run(
              "runuser",
              "-u",
              "mrt",
              "--",
              "env",
              "MRT_CACHE_DIR=" + home.resolve("cache"),
              "MRT_STATE_DIR=" + home.resolve("state"),
              "/usr/bin/mrt",
              "run",
              "--",
              "true");
      assertEquals(0, truth.exit(), truth.toString());
    } finally {
      Host.run("rm", "-rf", home.toString());
    }

    // Upgrade (the same package over itself): a changed conffile stays as the operator left it.
    Path env = Path.of("/etc/default/mrt");
    Files.writeString(env, Files.readString(env) + "MRT_POOL_SIZE=3\n");
    install();
    assertTrue(Files.readString(env).endsWith("MRT_POOL_SIZE=3\n"), "conffile kept on upgrade");
    assertEquals(0, Host.run("id", "-u", "mrt").exit(), "user mrt kept on upgrade");

    // Purge: files, configuration, the user and its ids go.
    Host.Result purge = Host.run("dpkg", "--purge", "mrt");
    assertEquals(0, purge.exit(), purge.toString());
    for (String f :
        List.of(
            "/usr/lib/mrt",
            "/usr/bin/mrt",
            "/lib/systemd/system/mrt.service",
            "/etc/default/mrt",
            "/etc/mrt",
            "/var/lib/mrt",
            "/var/cache/mrt")) {
      assertFalse(Files.exists(Path.of(f)), f + " is gone after purge");
    }
    assertEquals(2, Host.run("getent", "passwd", "mrt").exit(), "user mrt is gone");
    assertEquals(2, Host.run("getent", "group", "mrt").exit(), "group mrt is gone");
    assertTrue(
        Files.readAllLines(Path.of("/etc/subuid")).stream().noneMatch(l -> l.startsWith("mrt:")),
        "mrt's subordinate uids are gone");
  }
}
