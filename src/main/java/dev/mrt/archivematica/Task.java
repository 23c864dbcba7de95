package dev.mrt.archivematica;

import java.util.Objects;

/**
 * One task of a batch: one run of the batch's client script.
 *
 * @param uuid the task UUID (MCPServer's Tasks row, and the key of its result)
 * @param createdDate when MCPServer created it; rendered into {@code %jobCreatedDate%}
 * @param arguments the argument string, already with MCPServer's own variables substituted
 * @param wantsOutput whether MCPServer wants stdout and stderr back in the result
 */
public record Task(String uuid, PythonDateTime createdDate, String arguments, boolean wantsOutput) {
  public Task {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(createdDate, "createdDate");
    Objects.requireNonNull(arguments, "arguments");
  }
}
