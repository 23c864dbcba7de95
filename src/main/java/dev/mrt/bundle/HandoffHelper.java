package dev.mrt.bundle;

import java.nio.file.Path;

/**
 * Where mrt's static helper {@code mrt-handoff} is, unpacked on first use: the first process of
 * warm containers, and the loader of seccomp filters compiled once ({@link SeccompFilters}).
 */
@FunctionalInterface
public interface HandoffHelper {
  /**
   * @throws dev.mrt.MrtException when it cannot be had (a jar without it, an unwritable cache)
   */
  Path handoff();
}
