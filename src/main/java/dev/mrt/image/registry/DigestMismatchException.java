package dev.mrt.image.registry;

import dev.mrt.image.Digest;

/** Content whose digest or size is not the one its descriptor promised. Never stored. */
public final class DigestMismatchException extends RegistryException {
  private final Digest expected;
  private final String actual;

  public DigestMismatchException(
      String reference,
      String what,
      Digest expected,
      long expectedSize,
      String actual,
      long actualSize) {
    super(
        reference,
        Reason.DIGEST_MISMATCH,
        what
            + " "
            + expected
            + " does not match its content:"
            + " expected "
            + expected
            + " ("
            + expectedSize
            + " bytes), got "
            + actual
            + " ("
            + actualSize
            + " bytes); the registry's copy is corrupt or was replaced, nothing was kept",
        null);
    this.expected = expected;
    this.actual = actual;
  }

  public Digest expected() {
    return expected;
  }

  /** What the content hashed to ({@code sha256:...}), or a note when it was too long to hash. */
  public String actual() {
    return actual;
  }
}
