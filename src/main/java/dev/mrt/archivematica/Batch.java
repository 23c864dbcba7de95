package dev.mrt.archivematica;

import java.util.List;
import java.util.Objects;

/**
 * The tasks of one Gearman job from MCPServer (up to its batch size, 128 by default), in the order
 * MCPServer put them.
 *
 * @param encoding how the job arrived; its results go back the same way
 */
public record Batch(Encoding encoding, List<Task> tasks) {
  public Batch {
    Objects.requireNonNull(encoding, "encoding");
    tasks = List.copyOf(tasks);
  }
}
