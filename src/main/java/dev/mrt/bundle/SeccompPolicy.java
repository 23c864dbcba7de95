package dev.mrt.bundle;

import com.fasterxml.jackson.databind.JsonNode;
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

  /**
   * @param fallback mrt.container.seccomp, checked now so a bad one stops mrt at start
   */
  SeccompPolicy(String fallback) {
    this.fallback = fallback.strip();
    // Profiles know amd64 and arm64; elsewhere (mrt.runc set on another CPU) rules for the
    // x86 names would not load, so the profile is built for what the JVM reports.
    this.arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    profile(Optional.empty());
  }

  /** The OCI {@code linux.seccomp} for a request's setting, or empty for none. */
  Optional<JsonNode> profile(Optional<String> setting) {
    String s = setting.map(String::strip).filter(v -> !v.isEmpty()).orElse(fallback);
    return profiles.computeIfAbsent(s, this::load);
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
