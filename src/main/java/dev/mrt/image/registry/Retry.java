package dev.mrt.image.registry;

import dev.mrt.image.ImageReference;
import dev.mrt.image.registry.RegistryException.Reason;
import java.io.IOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * How often and how long to retry a network failure: broken connections are common on long
 * transfers and cheap to retry; HTTP errors are not retried (they come back the same).
 */
record Retry(int attempts, Duration firstPause) {
  private static final Logger LOG = Logger.getLogger(Retry.class);

  /**
   * Returns after a back-off if attempt {@code attempt} may be followed by another.
   *
   * @throws RegistryException when attempts are used up
   */
  void pause(ImageReference ref, String action, int attempt, IOException cause) {
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    if (attempt >= attempts) {
      throw new RegistryException(
          ref.toString(),
          Reason.UNREACHABLE,
          "cannot "
              + action
              + " from "
              + ref.apiHost()
              + " after "
              + attempts
              + " attempts ("
              + reason
              + "); check the network and the registry address",
          cause);
    }
    LOG.warnf("retrying to %s for %s after: %s", action, ref, reason);
    try {
      Thread.sleep(firstPause.toMillis() << (attempt - 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(ref.toString(), Reason.UNREACHABLE, "interrupted", e);
    }
  }
}
