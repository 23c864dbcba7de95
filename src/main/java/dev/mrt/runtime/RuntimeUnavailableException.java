package dev.mrt.runtime;

import dev.mrt.MrtException;
import java.io.IOException;
import java.nio.file.Path;

/** The runc binary cannot be executed at all. */
public final class RuntimeUnavailableException extends MrtException {
  public RuntimeUnavailableException(Path binary, IOException cause) {
    super(
        "cannot execute runc at "
            + binary
            + " ("
            + cause.getMessage()
            + "); remove the cache directory to unpack it again, or run `mrt doctor`",
        cause);
  }
}
