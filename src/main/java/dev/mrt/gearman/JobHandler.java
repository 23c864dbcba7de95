package dev.mrt.gearman;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the worker sends jobs, and the capacity gate in front of it. The worker only grabs a job
 * after {@link #acquire} claimed a slot, so it never holds a job that would wait here while another
 * worker could run it.
 *
 * <p>Slot ownership: the worker owns a {@link Claim} from {@code acquire} until it either hands a
 * job to {@link Claim#handle} (the slot then belongs to the job, and the handler gives it back when
 * the job is finished) or closes the claim because no job came of it (NO_JOB, lost connection).
 */
public interface JobHandler {
  /**
   * Waits up to {@code timeout} for a free slot and claims it.
   *
   * @return the claim, empty when no slot became free in time
   */
  Optional<Claim> acquire(Duration timeout) throws InterruptedException;

  /** One slot claimed for a job the worker is about to grab. */
  interface Claim extends AutoCloseable {
    /**
     * Starts the job on this claim's slot; must return quickly (run it on another thread) and must
     * not throw. If it throws anyway, the worker fails the job and closes the claim, which must
     * then give the slot back.
     */
    void handle(GearmanJob job, JobReply reply);

    /** Gives the slot back unless {@link #handle} took it; closing again does nothing. */
    @Override
    void close();
  }
}
