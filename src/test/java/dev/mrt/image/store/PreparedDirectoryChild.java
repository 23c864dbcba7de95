package dev.mrt.image.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Runs {@link PreparedDirectory#ensure} in a separate JVM, so the test sees real cross-process file
 * locking (within one JVM, FileChannel.lock behaves differently). Each population appends a line to
 * the log given as the last argument.
 */
public final class PreparedDirectoryChild {
  private PreparedDirectoryChild() {}

  public static void main(String[] args) throws Exception {
    Path cache = Path.of(args[0]);
    Path log = Path.of(args[3]);
    PreparedDirectory.ensure(
        cache,
        args[1],
        args[2],
        dir -> {
          Files.writeString(
              log,
              ProcessHandle.current().pid() + "\n",
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
          // Long enough that the other child is surely waiting on the lock by now.
          PreparedDirectoryTest.sleep(1500);
          Files.createDirectory(dir.resolve("rootfs"));
        });
  }
}
