package dev.mrt.bundle;

import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Resources;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resource limits of one container, as a user states them: memory in bytes, CPUs as a fraction of
 * cores (1.5 = one and a half), and a process count. Each is optional; none means no limit.
 */
public record Limits(OptionalLong memoryBytes, Optional<Double> cpus, OptionalLong pids) {

  public static final Limits NONE = new Limits(OptionalLong.empty(), Optional.empty(),
      OptionalLong.empty());

  /** The CFS period runc and docker use; the quota is cpus times this. */
  static final long CPU_PERIOD_MICROS = 100_000;

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  public Limits {
    memoryBytes.ifPresent(m -> require(m >= 4L << 20, "a memory limit below 4 MiB (" + m
        + " bytes) leaves no room to start a process; give e.g. 256M"));
    cpus.ifPresent(c -> require(c >= 0.01 && c <= 1024, "cpus must be between 0.01 and 1024, not "
        + c));
    pids.ifPresent(p -> require(p >= 1, "a pids limit must be at least 1, not " + p));
  }

  /**
   * Limits as settings and options state them, the memory as a size such as {@code 512M}.
   *
   * @param source where they were set, named in the error, e.g. {@code mrt.container.*}
   * @throws MrtException naming {@code source} and the bad value
   */
  public static Limits parse(Optional<String> memory, Optional<Double> cpus, OptionalLong pids,
      String source) {
    try {
      return new Limits(
          memory.map(m -> OptionalLong.of(parseSize(m))).orElse(OptionalLong.empty()), cpus, pids);
    } catch (IllegalArgumentException e) {
      throw new MrtException("bad limit in " + source + ": " + e.getMessage());
    }
  }

  /**
   * A size setting such as a tmpfs's, at least 1 MiB.
   *
   * @throws MrtException naming the setting and the bad value
   */
  public static long size(String text, String setting) {
    try {
      long bytes = parseSize(text);
      require(bytes >= 1L << 20, "'" + text + "' is below 1M");
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new MrtException("bad " + setting + ": " + e.getMessage());
    }
  }

  /** Each limit of {@code override} that is set, else this one's. */
  public Limits overriddenBy(Limits override) {
    return new Limits(
        override.memoryBytes.isPresent() ? override.memoryBytes : memoryBytes,
        override.cpus.or(() -> cpus),
        override.pids.isPresent() ? override.pids : pids);
  }

  public boolean isNone() {
    return memoryBytes.isEmpty() && cpus.isEmpty() && pids.isEmpty();
  }

  /** The OCI form; empty when there is no limit at all. */
  public Optional<Resources> toResources() {
    if (isNone()) {
      return Optional.empty();
    }
    return Optional.of(new Resources(
        memoryBytes.isPresent()
            ? new Resources.Memory(memoryBytes.getAsLong(), memoryBytes.getAsLong()) : null,
        cpus.map(c -> new Resources.Cpu(Math.round(c * CPU_PERIOD_MICROS), CPU_PERIOD_MICROS))
            .orElse(null),
        pids.isPresent() ? new Resources.Pids(pids.getAsLong()) : null));
  }

  /**
   * A size such as {@code 512M}, {@code 1.5g}, {@code 2GiB} or plain bytes; suffixes are powers
   * of 1024, as docker's {@code --memory}.
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 512M, 2G or"
          + " a number of bytes");
    }
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
    return (long) bytes;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
