package dev.mrt.gearman;

import java.time.Duration;

/**
 * Where the worker sends jobs, and the capacity gate in front of it. The worker only grabs a job
 * after {@link #acquire} reserved a slot, so it never holds a job that would wait here while
 * another worker could run it.
 *
 * <p>Slot ownership: a slot taken by {@code acquire} is given back by the worker with {@link
 * #release} when no job came of it (NO_JOB, lost connection). Once {@link #handle} is called, the
 * slot belongs to the job and the handler releases it itself when the job is finished.
 */
public interface JobHandler {
  /**
   * Waits up to {@code timeout} for a free slot and reserves it.
   *
   * @return true when a slot is now reserved for the caller
   */
  boolean acquire(Duration timeout) throws InterruptedException;

  /** Gives back a slot (see the class comment for who calls it). */
  void release();

  /**
   * Starts the job; must return quickly (run it on another thread) and must not throw. If it
   * throws anyway, the worker fails the job and releases the slot.
   */
  void handle(GearmanJob job, JobReply reply);
}
