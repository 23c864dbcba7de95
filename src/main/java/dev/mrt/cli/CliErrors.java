package dev.mrt.cli;

import dev.mrt.MrtException;
import picocli.CommandLine;

/**
 * Turns failures into the one-line errors the CLI promises: {@code mrt: what went wrong; what to
 * do}. Stack traces are for bugs only, so only unexpected exceptions get one.
 */
final class CliErrors {
  /** Exit status when mrt itself failed (as docker and podman use 125). */
  static final int MRT_FAILED = 125;

  private CliErrors() {}

  static CommandLine configure(CommandLine cli) {
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof MrtException known) {
            commandLine.getErr().println("mrt: " + known.getMessage());
            return known.exitCode();
          }
          commandLine.getErr().println("mrt: internal error: " + ex);
          ex.printStackTrace(commandLine.getErr());
          return MRT_FAILED;
        });
    return cli;
  }
}
