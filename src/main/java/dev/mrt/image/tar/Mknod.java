package dev.mrt.image.tar;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Makes device nodes and FIFOs with mknod(1): the JDK has no mknod, and archives hold a handful of
 * them at most (a rootfs's /dev).
 */
final class Mknod {
  private Mknod() {}

  /** Makes the node {@code entry} describes at {@code target}, with its exact mode. */
  static void make(TarArchiveEntry entry, Path target) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "mknod", "-m", Integer.toOctalString(entry.getMode() & 07777), target.toString()));
    if (entry.isFIFO()) {
      command.add("p");
    } else {
      command.add(entry.isCharacterDevice() ? "c" : "b");
      command.add(Integer.toString(entry.getDevMajor()));
      command.add(Integer.toString(entry.getDevMinor()));
    }
    Process mknod = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(mknod.getInputStream().readAllBytes()).trim();
    try {
      if (mknod.waitFor() != 0) {
        throw new IOException("mknod failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running mknod", e);
    }
  }
}
