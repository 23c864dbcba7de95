package dev.mrt;

/**
 * Base of every failure mrt reports to a user: the message is one line that says what was wrong and
 * what to do. Subclasses carry the facts (paths, ids, digests) as fields.
 */
public class MrtException extends RuntimeException {
  private final int exitCode;

  public MrtException(String message) {
    this(message, 125, null);
  }

  public MrtException(String message, Throwable cause) {
    this(message, 125, cause);
  }

  protected MrtException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The CLI exit status for this failure. */
  public int exitCode() {
    return exitCode;
  }
}
