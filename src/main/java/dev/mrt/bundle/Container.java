package dev.mrt.bundle;

import dev.mrt.runtime.ContainerExit;
import dev.mrt.runtime.Runc;
import dev.mrt.runtime.RuncContainer;
import java.time.Duration;
import java.util.Optional;

/**
 * A started job container. {@link #await} once; {@link #kill} from anywhere; {@link #close} always,
 * which removes the container and its bundle whatever happened.
 */
public final class Container implements AutoCloseable {
  private final Bundle bundle;
  private final RuncContainer process;
  private final BundleStore store;
  private final Runc runc;
  private final Runnable beforeRemoval;

  Container(Bundle bundle, RuncContainer process, BundleStore store, Runc runc) {
    this(bundle, process, store, runc, () -> {});
  }

  /**
   * @param beforeRemoval runs at {@link #close}, before the bundle goes (a warm job's answer)
   */
  Container(
      Bundle bundle, RuncContainer process, BundleStore store, Runc runc, Runnable beforeRemoval) {
    this.bundle = bundle;
    this.process = process;
    this.store = store;
    this.runc = runc;
    this.beforeRemoval = beforeRemoval;
  }

  public String id() {
    return bundle.containerId();
  }

  public ContainerExit await(Optional<Duration> timeout) {
    return process.await(timeout);
  }

  public void kill(String reason) {
    process.kill(reason);
  }

  @Override
  public void close() {
    try {
      beforeRemoval.run();
    } finally {
      store.destroy(bundle, runc);
    }
  }
}
