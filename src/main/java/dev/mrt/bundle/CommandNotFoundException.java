package dev.mrt.bundle;

import dev.mrt.MrtException;

/** The command does not exist in the image, so no container is started. Exit 127, as a shell. */
public final class CommandNotFoundException extends MrtException {
  private final String command;

  public CommandNotFoundException(String command, String image, String path) {
    super(
        "command '"
            + command
            + "' not found in image "
            + image
            + " (PATH="
            + path
            + "); give its full path or use an image that has it",
        127,
        null);
    this.command = command;
  }

  public String command() {
    return command;
  }
}
