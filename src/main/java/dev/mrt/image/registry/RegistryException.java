package dev.mrt.image.registry;

import dev.mrt.image.ImageException;

/**
 * A pull failed at the registry. The message names the reference, what was attempted and what to
 * do; {@link #reason()} lets callers (metrics, the HTTP API) branch without reading text.
 */
public class RegistryException extends ImageException {
  /** Why, as far as a caller needs to tell. */
  public enum Reason {
    /** 401: no or wrong credentials. */
    UNAUTHORIZED,
    /** 403: the credentials lack access. */
    DENIED,
    /** 404: no such repository, tag or blob. */
    NOT_FOUND,
    /** 429: the registry's rate limit. */
    TOO_MANY_REQUESTS,
    /** Connection refused, DNS, TLS, timeouts after retries. */
    UNREACHABLE,
    /** The registry answered something mrt cannot use. */
    PROTOCOL,
    /** Content did not match its digest or size. */
    DIGEST_MISMATCH
  }

  private final String reference;
  private final Reason reason;

  public RegistryException(String reference, Reason reason, String message, Throwable cause) {
    super("cannot pull " + reference + ": " + message, cause);
    this.reference = reference;
    this.reason = reason;
  }

  public String reference() {
    return reference;
  }

  public Reason reason() {
    return reason;
  }
}
