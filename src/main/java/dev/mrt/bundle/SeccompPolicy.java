package dev.mrt.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt.image.Digest;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which seccomp filter a container gets: the request's setting ({@code mrt run --seccomp}, {@code
 * mrt.functions."NAME".seccomp}) else {@code mrt.container.seccomp}; each one {@code default},
 * {@code unconfined} or a profile file, converted once and kept.
 */
final class SeccompPolicy {
  static final String DEFAULT = "default";
  static final String UNCONFINED = "unconfined";

  private final String fallback;
  private final String arch;

  /** Converted profiles by setting; empty for unconfined. */
  private final Map<String, Optional<JsonNode>> profiles = new ConcurrentHashMap<>();

  /** The default profile's rules digest, as the build recorded it. */
  private final Optional<Digest> defaultRules;

  /**
   * @param fallback mrt.container.seccomp, checked now so a bad one stops mrt at start (mrt's own
   *     default is checked by its tests, and read when a start needs it)
   */
  SeccompPolicy(String fallback) {
    this.fallback = fallback.strip();
    // Profiles know amd64 and arm64; elsewhere (mrt.runc set on another CPU) rules for the
    // x86 names would not load, so the profile is built for what the JVM reports.
    this.arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    this.defaultRules = DefaultSeccompRules.recordedDigest(arch);
    if (!this.fallback.equals(DEFAULT)) {
      profile(Optional.empty());
    }
  }

  /** The OCI {@code linux.seccomp} for a request's setting, or empty for none. */
  Optional<JsonNode> profile(Optional<String> setting) {
    return profiles.computeIfAbsent(effective(setting), this::load);
  }

  /**
   * For the default profile, the digest of the rules its filter is compiled from, without reading
   * the profile (its parse and conversion were 20-25 ms of a CLI run): empty for any other setting
   * and for a jar built without the recorded digest.
   */
  Optional<Digest> knownRules(Optional<String> setting) {
    return effective(setting).equals(DEFAULT) ? defaultRules : Optional.empty();
  }

  /** The text of those rules as the build recorded it, for their first compile; read now. */
  Optional<String> knownRulesText() {
    return DefaultSeccompRules.recordedText(arch);
  }

  private String effective(Optional<String> setting) {
    return setting.map(String::strip).filter(v -> !v.isEmpty()).orElse(fallback);
  }

  private Optional<JsonNode> load(String setting) {
    return switch (setting) {
      case UNCONFINED -> Optional.empty();
      case DEFAULT -> Optional.of(SeccompProfile.defaultFor(arch, DefaultSpec.CAPABILITIES));
      default ->
          Optional.of(SeccompProfile.fromFile(Path.of(setting), arch, DefaultSpec.CAPABILITIES));
    };
  }

  /** For doctor and serve's log: the filter containers get unless they ask for another. */
  String describe() {
    return "seccomp: "
        + switch (fallback) {
          case UNCONFINED -> "none (mrt.container.seccomp=unconfined)";
          case DEFAULT -> "podman's default profile, no nested namespaces or keyrings";
          default -> "profile " + fallback;
        };
  }
}
