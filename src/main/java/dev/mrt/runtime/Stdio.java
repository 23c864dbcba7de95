package dev.mrt.runtime;

import java.io.File;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.util.Optional;

/**
 * Where a container's standard streams go.
 *
 * @param stdin what the process reads; {@link Redirect#INHERIT} passes ours through, {@link
 *     Redirect#PIPE} feeds it {@code input}
 * @param input the bytes to feed when {@code stdin} is a pipe
 * @param stdout empty to pass our stdout straight through (no copy), else a sink mrt pumps into
 * @param stderr the sink for the process's stderr; runc's own error line is filtered out of it,
 *     because mrt reports the failure itself
 */
public record Stdio(
    Redirect stdin, Optional<byte[]> input, Optional<OutputStream> stdout, OutputStream stderr) {

  private static final Redirect NULL_INPUT = Redirect.from(new File("/dev/null"));

  /** A terminal-less CLI run: our stdout and stderr, stdin only if asked. */
  public static Stdio passThrough(boolean stdin) {
    return new Stdio(
        stdin ? Redirect.INHERIT : NULL_INPUT, Optional.empty(), Optional.empty(), System.err);
  }

  /** Captured output; the process reads {@code input}, or end-of-file at once when empty. */
  public static Stdio captured(Optional<byte[]> input, OutputStream stdout, OutputStream stderr) {
    return new Stdio(
        input.isPresent() ? Redirect.PIPE : NULL_INPUT, input, Optional.of(stdout), stderr);
  }
}
