package dev.mrt.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code sha256:<64 lowercase hex>}. Only sha256 is accepted: it is the only
 * algorithm registries and the OCI layout use in practice, and a digest mrt cannot verify must not
 * pass as one it did. Only the hex part is stored; {@link #toString()} adds the prefix back, so
 * there is one canonical form and equality is the record's.
 *
 * @param hex 64 lowercase hex digits
 */
public record Digest(String hex) {
  public static final String ALGORITHM = "sha256";

  /** The shape of a digest, shared with {@link ImageReference}'s grammar. */
  static final String PATTERN = "sha256:[a-f0-9]{64}";

  private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern FULL = Pattern.compile(PATTERN);

  public Digest {
    if (hex == null || !isHex(hex)) {
      throw new IllegalArgumentException("not 64 lowercase hex digits: " + hex);
    }
  }

  /** Whether {@code text} is 64 lowercase hex digits, as a blob's file name is. */
  public static boolean isHex(String text) {
    return HEX.matcher(text).matches();
  }

  /**
   * Parses {@code sha256:<hex>} as found in manifests, user input and file names.
   *
   * @throws InvalidDigestException naming the input
   */
  public static Digest parse(String text) {
    if (text == null || !FULL.matcher(text).matches()) {
      throw new InvalidDigestException(String.valueOf(text));
    }
    return new Digest(text.substring(ALGORITHM.length() + 1));
  }

  /** The digest of bytes that a {@link #hasher()} computed. */
  public static Digest of(byte[] sha256) {
    return new Digest(HexFormat.of().formatHex(sha256));
  }

  /** The digest of {@code data}. */
  public static Digest sha256(byte[] data) {
    return of(hasher().digest(data));
  }

  /** The digest of {@code file}'s content, read in large chunks: image tarballs are big. */
  public static Digest sha256(Path file) throws IOException {
    MessageDigest md = hasher();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[256 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        md.update(buffer, 0, n);
      }
    }
    return of(md.digest());
  }

  /**
   * A fresh sha256 {@link MessageDigest}, for callers that hash while they stream (a {@link
   * java.security.DigestInputStream}, or bytes as they arrive); {@link #of} takes its result.
   */
  public static MessageDigest hasher() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The inverse of {@link #parse}. */
  @Override
  public String toString() {
    return ALGORITHM + ":" + hex;
  }

  /** An invalid digest; keeps the rejected text. */
  public static final class InvalidDigestException extends ImageException {
    private final String input;

    public InvalidDigestException(String input) {
      super("invalid digest '" + input + "': expected sha256: followed by 64 lowercase hex digits");
      this.input = input;
    }

    public String input() {
      return input;
    }
  }
}
