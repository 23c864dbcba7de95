package dev.mrt.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The process that made a bundle: its pid and kernel start time, so a recycled pid is never
 * mistaken for the owner that crashed.
 */
record Owner(long pid, long startTime) {

  static Owner current() {
    long pid = ProcessHandle.current().pid();
    return new Owner(pid, startTime(pid).orElse(0L));
  }

  static Optional<Owner> parse(String text) {
    String[] parts = text.strip().split(" ");
    try {
      return Optional.of(new Owner(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  String format() {
    return pid + " " + startTime + "\n";
  }

  /** True while the very process that wrote this record runs. */
  boolean isAlive() {
    return startTime(pid).map(t -> t == startTime).orElse(false);
  }

  /** Field 22 of {@code /proc/PID/stat}: start time in clock ticks since boot. */
  private static Optional<Long> startTime(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Optional.of(Long.parseLong(rest[19]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
