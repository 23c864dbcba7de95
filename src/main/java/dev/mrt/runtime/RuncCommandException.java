package dev.mrt.runtime;

import dev.mrt.MrtException;
import java.util.List;

/** A runc management command (kill, delete, list) failed. */
public final class RuncCommandException extends MrtException {
  private final List<String> command;
  private final int status;

  public RuncCommandException(List<String> command, int status, String output) {
    super(
        "runc "
            + String.join(" ", command.subList(1, command.size()))
            + " failed (status "
            + status
            + "): "
            + output.replace('\n', ' '));
    this.command = List.copyOf(command);
    this.status = status;
  }

  public List<String> command() {
    return command;
  }

  public int status() {
    return status;
  }
}
