package dev.mrt.bundle;

import dev.mrt.MrtException;

/** A container spec that runc would refuse or run wrongly; names the failed check. */
public final class InvalidSpecException extends MrtException {
  private final String check;

  public InvalidSpecException(String check, String problem) {
    super("invalid container spec (" + check + "): " + problem);
    this.check = check;
  }

  public String check() {
    return check;
  }
}
