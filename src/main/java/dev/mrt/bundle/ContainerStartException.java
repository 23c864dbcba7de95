package dev.mrt.bundle;

import dev.mrt.MrtException;

/** runc could not start a container; carries runc's reason and mrt's hint. */
public final class ContainerStartException extends MrtException {
  private final String reason;

  public ContainerStartException(String reason, String hint) {
    super("container did not start: " + reason + (hint.isEmpty() ? "" : "; " + hint));
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
