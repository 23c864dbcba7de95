package dev.mrt.bundle;

import dev.mrt.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The rules mrt's default seccomp profile compiles to on each architecture, as the build recorded
 * them in the jar (src/build/SeccompDigests.java): their digest names the compiled filter, so a
 * start finds it without reading and converting the profile (20-25 ms of `mrt run -- true`), and
 * their text compiles it on a first use without that either (~70 ms of a cold JVM's first run).
 * SeccompProfileTest fails when what is recorded is not what the code computes.
 */
public final class DefaultSeccompRules {
  private DefaultSeccompRules() {}

  /** Where the jar holds the rules' digest for {@code arch} (amd64, arm64). */
  public static String digestResource(String arch) {
    return "seccomp/default-" + arch + ".rules.sha256";
  }

  /** Where the jar holds the rules' text for {@code arch}. */
  public static String textResource(String arch) {
    return "seccomp/default-" + arch + ".rules";
  }

  /** The rules of mrt's default profile on {@code arch}, computed now. */
  public static String computedText(String arch) {
    return SeccompRules.of(SeccompProfile.defaultFor(arch, DefaultSpec.CAPABILITIES))
        .orElseThrow(() -> new IllegalStateException("mrt's default profile must compile"));
  }

  /** Their digest, computed now. */
  public static Digest computedDigest(String arch) {
    return digestOf(computedText(arch));
  }

  /** The digest that names a filter compiled from {@code rules}. */
  public static Digest digestOf(String rules) {
    return SeccompRules.digest(rules);
  }

  /** The digest as the build recorded it; empty when it did not (a build by hand). */
  static Optional<Digest> recordedDigest(String arch) {
    return read(digestResource(arch)).map(hex -> new Digest(hex.strip()));
  }

  /** The text as the build recorded it; empty when it did not. */
  static Optional<String> recordedText(String arch) {
    return read(textResource(arch));
  }

  private static Optional<String> read(String resource) {
    try (InputStream in =
        DefaultSeccompRules.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null
          ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // the profile's own way still works
    }
  }
}
