package dev.mrt.archivematica;

import dev.mrt.MrtException;

/**
 * A job payload from MCPServer that mrt cannot run: not JSON or pickle, a refused pickle, a missing
 * or malformed field, or arguments that do not split. The whole batch fails with it (WORK_FAIL), as
 * it would in MCPClient.
 */
public class PayloadException extends MrtException {
  public PayloadException(String message) {
    super(message);
  }

  public PayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
