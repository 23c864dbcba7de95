package dev.mrt.config;

import dev.mrt.MrtException;

/**
 * Range checks of numeric settings, run when {@code mrt serve} starts so a bad value stops it with
 * one line naming the setting. Done by hand rather than with Bean Validation: the Hibernate
 * Validator extension alone cost every CLI command ~0.3 s of start-up (650 classes) for five
 * bounds.
 */
public final class ConfigChecks {
  private ConfigChecks() {}

  public static void validate(PoolConfig pool, ApiConfig api) {
    pool.effectiveSize();
    range("mrt.pool.output-limit", pool.outputLimit(), 0, 64 * 1024 * 1024);
    range("mrt.api.queue-limit", api.queueLimit(), 0, 100_000);
    range("mrt.api.max-kept", api.maxKept(), 1, 1_000_000);
    if (api.retention().isNegative()) {
      throw new MrtException("mrt.api.retention must not be negative, was " + api.retention());
    }
  }

  public static void range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new MrtException(
          key
              + " must be between "
              + min
              + " and "
              + max
              + ", was "
              + value
              + "; fix it in the configuration");
    }
  }
}
