package dev.mrt.image;

import dev.mrt.host.Arch;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an image in an index is built for, as the OCI image index names it: {@code os/arch} with an
 * optional variant ({@code linux/arm64/v8}).
 */
public record Platform(String os, String architecture, Optional<String> variant) {
  private static final Pattern PART = Pattern.compile("[a-z0-9_]+");

  public Platform {
    variant = variant.filter(v -> !v.isEmpty());
  }

  /**
   * Linux on this machine's CPU, the platform containers here can run.
   *
   * @param hostRunc whether {@code mrt.runc} names a runc of the host's: then any CPU, by its OCI
   *     name; with the embedded runc only a CPU mrt ships one for
   * @throws dev.mrt.MrtException without a host runc, on a CPU mrt ships no runc for
   */
  public static Platform host(boolean hostRunc) {
    return host(System.getProperty("os.arch"), hostRunc);
  }

  /** {@link #host(boolean)} for a Java {@code os.arch} value. */
  static Platform host(String osArch, boolean hostRunc) {
    String architecture = hostRunc ? ociArchitecture(osArch) : Arch.fromOsArch(osArch).debianName();
    return new Platform("linux", architecture, Optional.empty());
  }

  /**
   * The OCI (Go) name of a Java {@code os.arch}, as image indexes name architectures; a name not
   * listed is taken as it is.
   */
  static String ociArchitecture(String osArch) {
    String arch = osArch.toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i486", "i586", "i686" -> "386";
      case "arm", "armv7l", "aarch32" -> "arm";
      case "mips64el" -> "mips64le";
      case "mipsel" -> "mipsle";
      case "loongarch64" -> "loong64";
      default -> arch;
    };
  }

  /**
   * Parses {@code os/arch[/variant]}, as docker's and podman's {@code --platform} take it.
   *
   * @throws ImageException naming the input
   */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw invalid(text);
    }
    for (String p : parts) {
      if (!PART.matcher(p).matches()) {
        throw invalid(text);
      }
    }
    return new Platform(
        parts[0], parts[1], parts.length == 3 ? Optional.of(parts[2]) : Optional.empty());
  }

  /**
   * Whether an index entry built for {@code candidate} suits this platform: os and architecture
   * must be equal; a variant is compared only when this platform names one, since indexes often
   * leave it out (and arm64 has in practice only v8).
   */
  public boolean accepts(Platform candidate) {
    return os.equals(candidate.os)
        && architecture.equals(candidate.architecture)
        && (variant.isEmpty() || variant.equals(candidate.variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }

  private static ImageException invalid(String text) {
    return new ImageException(
        "invalid platform '"
            + text
            + "': give os/arch[/variant], e.g."
            + " linux/amd64 or linux/arm64/v8");
  }
}
