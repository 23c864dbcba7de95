package dev.mrt.host;

import dev.mrt.MrtException;
import java.util.Locale;

/** The CPU architectures mrt ships assets for, named as Debian and OCI name them. */
public enum Arch {
  AMD64("amd64"),
  ARM64("arm64");

  private final String debianName;

  Arch(String debianName) {
    this.debianName = debianName;
  }

  /** The architecture of this JVM. */
  public static Arch host() {
    return fromOsArch(System.getProperty("os.arch"));
  }

  /** Maps a Java {@code os.arch} value (which uses both GNU and Debian spellings). */
  public static Arch fromOsArch(String osArch) {
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> AMD64;
      case "aarch64", "arm64" -> ARM64;
      default ->
          throw new MrtException(
              "unsupported CPU architecture '"
                  + osArch
                  + "': mrt ships runc and a rootfs for amd64 and arm64 only; set mrt.runc and use an"
                  + " image for this architecture");
    };
  }

  /** The name used in asset paths and image platforms: {@code amd64}, {@code arm64}. */
  public String debianName() {
    return debianName;
  }

  @Override
  public String toString() {
    return debianName;
  }
}
