package dev.mrt.bundle.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Programs runc runs around the container's life. {@code createRuntime} hooks run in the host's
 * namespaces once the container's namespaces exist and before its process starts, with the
 * container's state (its pid among it) on stdin: where a network namespace gets its link.
 */
public record Hooks(@JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hook> createRuntime) {

  public Hooks {
    createRuntime = List.copyOf(createRuntime);
  }

  /**
   * @param timeout seconds runc waits before it kills the hook and fails the start
   */
  public record Hook(String path, List<String> args, int timeout) {
    public Hook {
      args = List.copyOf(args);
    }
  }
}
