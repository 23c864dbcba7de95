package dev.mrt.gearman;

/**
 * The way back to gearmand for one job. Exactly one of the methods should be called, from any
 * thread. Both return false when the connection that delivered the job is gone: gearmand has then
 * requeued the job for another worker, so the result is simply dropped.
 */
public interface JobReply {
  /** WORK_COMPLETE with this result. */
  boolean complete(byte[] data);

  /** WORK_FAIL: the job as a whole failed and has no result. */
  boolean fail();
}
