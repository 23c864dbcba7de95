package dev.mrt.bundle;

import dev.mrt.ByteSize;
import dev.mrt.MrtException;
import dev.mrt.bundle.oci.Resources;
import dev.mrt.config.LimitSettings;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Resource limits of one container, as a user states them: memory in bytes, CPUs as a fraction of
 * cores (1.5 = one and a half), and a process count. Each is optional; none means no limit.
 */
public record Limits(OptionalLong memoryBytes, Optional<Double> cpus, OptionalLong pids) {

  public static final Limits NONE =
      new Limits(OptionalLong.empty(), Optional.empty(), OptionalLong.empty());

  /** The CFS period runc and docker use; the quota is cpus times this. */
  static final long CPU_PERIOD_MICROS = 100_000;

  public Limits {
    memoryBytes.ifPresent(
        m ->
            require(
                m >= 4L << 20,
                "a memory limit below 4 MiB ("
                    + m
                    + " bytes) leaves no room to start a process; give e.g. 256M"));
    cpus.ifPresent(
        c -> require(c >= 0.01 && c <= 1024, "cpus must be between 0.01 and 1024, not " + c));
    pids.ifPresent(p -> require(p >= 1, "a pids limit must be at least 1, not " + p));
  }

  /**
   * Limits as settings and options state them, the memory as a size such as {@code 512M}.
   *
   * @param source where they were set, named in the error, e.g. {@code mrt.container.*}
   * @throws MrtException naming {@code source} and the bad value
   */
  public static Limits parse(
      Optional<String> memory, Optional<Double> cpus, OptionalLong pids, String source) {
    try {
      return new Limits(
          memory.map(m -> OptionalLong.of(ByteSize.parse(m).bytes())).orElse(OptionalLong.empty()),
          cpus,
          pids);
    } catch (IllegalArgumentException e) {
      throw new MrtException("bad limit in " + source + ": " + e.getMessage());
    }
  }

  /**
   * Limits as a settings group states them.
   *
   * @param source where they were set, named in the error, e.g. {@code mrt.container.*}
   * @throws MrtException naming {@code source} and the bad value
   */
  public static Limits of(LimitSettings settings, String source) {
    return parse(settings.memory(), settings.cpus(), settings.pidsLimit(), source);
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
    return Optional.of(
        new Resources(
            memoryBytes.isPresent()
                ? new Resources.Memory(memoryBytes.getAsLong(), memoryBytes.getAsLong())
                : null,
            cpus.map(c -> new Resources.Cpu(Math.round(c * CPU_PERIOD_MICROS), CPU_PERIOD_MICROS))
                .orElse(null),
            pids.isPresent() ? new Resources.Pids(pids.getAsLong()) : null));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
