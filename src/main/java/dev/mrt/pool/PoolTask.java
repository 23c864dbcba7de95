package dev.mrt.pool;

import dev.mrt.bundle.ContainerRequest;
import dev.mrt.image.PreparedImage;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One unit of work for the pool: a container to run and how to bound it.
 *
 * @param group tasks of one group share {@code groupLimit} (an Archivematica function kept serial)
 * @param groupLimit how many tasks of the group may run at once; empty for no limit
 * @param outputLimit bytes kept of stdout and of stderr each; the rest is counted and dropped
 * @param stdin bytes the process reads on standard input; empty for none
 */
public record PoolTask(
    PreparedImage image,
    ContainerRequest request,
    Optional<Duration> timeout,
    String group,
    OptionalInt groupLimit,
    int outputLimit,
    Optional<byte[]> stdin) {

  /** A task that reads nothing on stdin. */
  public PoolTask(
      PreparedImage image,
      ContainerRequest request,
      Optional<Duration> timeout,
      String group,
      OptionalInt groupLimit,
      int outputLimit) {
    this(image, request, timeout, group, groupLimit, outputLimit, Optional.empty());
  }
}
