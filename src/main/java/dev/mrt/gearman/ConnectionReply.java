package dev.mrt.gearman;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/** Replies on the connection that delivered the job, once; later connections never see it. */
final class ConnectionReply implements JobReply {
  private static final Logger LOG = Logger.getLogger(ConnectionReply.class);

  private final GearmanWorkerConnection connection;
  private final GearmanJob job;
  private final AtomicBoolean answered = new AtomicBoolean();

  ConnectionReply(GearmanWorkerConnection connection, GearmanJob job) {
    this.connection = connection;
    this.job = job;
  }

  @Override
  public boolean complete(byte[] data) {
    return send("WORK_COMPLETE", () -> connection.workComplete(job.handle(), data));
  }

  @Override
  public boolean fail() {
    return send("WORK_FAIL", () -> connection.workFail(job.handle()));
  }

  private boolean send(String what, IoAction action) {
    if (!answered.compareAndSet(false, true)) {
      throw new IllegalStateException(job + " was already answered");
    }
    if (!connection.isOpen()) {
      LOG.infof("dropping %s for %s: its connection is gone, gearmand requeues it", what, job);
      return false;
    }
    try {
      action.run();
      return true;
    } catch (IOException e) {
      LOG.infof("dropping %s for %s: %s; gearmand requeues it", what, job, e.getMessage());
      connection.close(); // let the server thread notice and reconnect
      return false;
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
