package dev.mrt.assets;

/** An embedded asset does not match the sha256 recorded next to it at build time. */
public final class CorruptAssetException extends AssetException {
  private final String actual;
  private final String expected;

  CorruptAssetException(String resource, String actual, String expected) {
    super(
        resource,
        "embedded asset "
            + resource
            + " is corrupt: sha256 "
            + actual
            + ", expected "
            + expected
            + "; rebuild the jar");
    this.actual = actual;
    this.expected = expected;
  }

  public String actual() {
    return actual;
  }

  public String expected() {
    return expected;
  }
}
