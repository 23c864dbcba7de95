package dev.mrt.bundle;

import dev.mrt.IoErrors;
import dev.mrt.MrtException;
import dev.mrt.runtime.OrphanGuard;
import dev.mrt.runtime.Runc;
import dev.mrt.runtime.RuncLocator;
import dev.mrt.runtime.RuntimeUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What starting containers needs once per process: runc, the bundle store with what crashed mrt
 * processes left in it removed, and the guard that kills our containers if this process dies
 * without cleaning up.
 */
record RuntimeReady(Runc runc, BundleStore store, OrphanGuard guard) {

  /**
   * @throws MrtException when the state directory cannot be made
   * @throws RuntimeUnavailableException when runc is not executable
   */
  static RuntimeReady open(Path stateDir, RuncLocator locator) {
    try {
      Files.createDirectories(stateDir.resolve("runc"));
    } catch (IOException e) {
      throw new MrtException(
          "cannot create state directory "
              + stateDir
              + " ("
              + IoErrors.describe(e)
              + "); set mrt.state-dir (MRT_STATE_DIR) to a writable directory",
          e);
    }
    Path binary = locator.runc();
    if (!Files.isExecutable(binary)) {
      throw new RuntimeUnavailableException(binary, new IOException("not executable"));
    }
    Runc runc = new Runc(binary, stateDir.resolve("runc"));
    BundleStore store = new BundleStore(stateDir);
    store.reapStale(runc);
    return new RuntimeReady(
        runc, store, OrphanGuard.start(runc, store.idPrefix(), store.directory()));
  }
}
