package dev.mrt.archivematica.db;

/** Observes the database writer (metrics, readiness). Must be quick. */
public interface DatabaseListener {
  /**
   * @param detail what was reached, or the last error
   */
  void databaseState(boolean up, String detail);

  /**
   * @param rows how many task rows the write covered
   */
  void databaseWrites(Outcome outcome, int rows);

  enum Outcome {
    /** Written at the first try. */
    OK,
    /** Written after one or more failed tries. */
    RETRIED,
    /** Given up on (logged with the task UUIDs). */
    FAILED
  }
}
