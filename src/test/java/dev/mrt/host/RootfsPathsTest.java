package dev.mrt.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsPathsTest {
  @TempDir Path root;
  @TempDir Path outside;

  private Path exe(String path) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @BeforeEach
  void mergedUsr() throws IOException {
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
  }

  @Test
  void testFindExecutable_throughMergedUsrAndRelativeLink() throws IOException {
    Path real = exe("usr/bin/python3.11");
    Files.createSymbolicLink(root.resolve("usr/bin/python3"), Path.of("python3.11"));
    assertEquals(Optional.of(real), RootfsPaths.findExecutable(root, "python3", "/bin"));
  }

  @Test
  void testFindExecutable_absoluteLinkResolvesInsideRoot() throws IOException {
    Path real = exe("usr/bin/busybox");
    Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("/usr/bin/busybox"));
    assertEquals(Optional.of(real), RootfsPaths.findExecutable(root, "/bin/sh", ""));
  }

  @Test
  void testFindExecutable_linkToHostFileIsNotFollowedOntoHost() throws IOException {
    Path hostFile = outside.resolve("tool");
    Files.writeString(hostFile, "x");
    Files.setPosixFilePermissions(hostFile, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(root.resolve("usr/bin/tool"), hostFile);
    assertEquals(Optional.empty(), RootfsPaths.findExecutable(root, "tool", "/usr/bin"));
  }

  @Test
  void testResolve_dotDotStopsAtRoot() throws IOException {
    Path real = exe("usr/bin/true");
    assertEquals(Optional.of(real), RootfsPaths.resolve(root, "/../../../usr/bin/true"));
  }

  @Test
  void testFindExecutable_notExecutable() throws IOException {
    Files.writeString(root.resolve("usr/bin/data"), "x");
    assertTrue(RootfsPaths.findExecutable(root, "data", "/usr/bin").isEmpty());
  }

  @Test
  void testResolve_loopGivesUp() throws IOException {
    Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
    assertTrue(RootfsPaths.resolve(root, "/a").isEmpty());
  }
}
