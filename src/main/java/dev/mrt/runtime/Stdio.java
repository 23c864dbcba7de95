package dev.mrt.runtime;

import java.io.File;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.util.Optional;

/**
 * Where a container's standard streams go.
 *
 * @param stdin what the process reads; {@link Redirect#INHERIT} passes ours through
 * @param stdout empty to pass our stdout straight through (no copy), else a sink mrt pumps into
 * @param stderr the sink for the process's stderr; runc's own error line is filtered out of it,
 *     because mrt reports the failure itself
 */
public record Stdio(Redirect stdin, Optional<OutputStream> stdout, OutputStream stderr) {

  private static final Redirect NULL_INPUT = Redirect.from(new File("/dev/null"));

  /** A terminal-less CLI run: our stdout and stderr, stdin only if asked. */
  public static Stdio passThrough(boolean stdin) {
    return new Stdio(stdin ? Redirect.INHERIT : NULL_INPUT, Optional.empty(), System.err);
  }

  /** Captured output, no input (daemon jobs). */
  public static Stdio captured(OutputStream stdout, OutputStream stderr) {
    return new Stdio(NULL_INPUT, Optional.of(stdout), stderr);
  }
}
