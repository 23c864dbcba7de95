package dev.mrt.archivematica;

import java.time.Instant;
import java.util.Objects;

/**
 * How one task ended. Output is always kept here; the encoder sends it only when the task
 * {@linkplain Task#wantsOutput() wants output}.
 *
 * @param stderror named like the wire field MCPServer reads (sic, not stderr)
 */
public record TaskResult(int exitCode, Instant finishedTimestamp, String stdout, String stderror) {
  public TaskResult {
    Objects.requireNonNull(finishedTimestamp, "finishedTimestamp");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderror, "stderror");
  }
}
