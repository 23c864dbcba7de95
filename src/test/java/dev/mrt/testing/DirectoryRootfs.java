package dev.mrt.testing;

import dev.mrt.image.DefaultRootfs;
import java.nio.file.Path;

/** The default image as a directory of the test's, under a made-up digest. */
public record DirectoryRootfs(Path defaultRootfs) implements DefaultRootfs {
  @Override
  public String defaultRootfsDigest() {
    return "sha256:" + "d".repeat(64);
  }
}
