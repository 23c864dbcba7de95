package dev.mrt.bundle.oci;

/** {@code process.rlimits[]}: a POSIX resource limit runc sets before it execs the job. */
public record Rlimit(String type, long hard, long soft) {
  /** Processes (threads included) of the job's user in its user namespace. */
  public static Rlimit nproc(long max) {
    return new Rlimit("RLIMIT_NPROC", max, max);
  }
}
