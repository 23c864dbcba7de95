package dev.mrt.bundle;

import dev.mrt.MrtException;

/**
 * A container started ahead of its job could not be had: it never became ready, or it was gone when
 * its job came. Nothing of it is left; the job can still get a container made for it.
 */
public final class WarmStartException extends MrtException {
  public WarmStartException(String message) {
    super(message);
  }

  public WarmStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
