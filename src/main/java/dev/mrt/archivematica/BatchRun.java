package dev.mrt.archivematica;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a batch ended, before the reply.
 *
 * @param results a result for every task of the batch, by UUID
 * @param rowsWritten tasks whose Tasks row MCPClient's own harness already wrote; mrt writes the
 *     others
 * @param workFail present when the batch as a whole failed (MCPClient's WORK_FAIL, after a script's
 *     call raised): the reason
 */
record BatchRun(
    Map<String, TaskResult> results, Set<String> rowsWritten, Optional<String> workFail) {

  BatchRun {
    results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    rowsWritten = Set.copyOf(rowsWritten);
  }

  /** Every task ran, and mrt writes every row. */
  static BatchRun of(Map<String, TaskResult> results) {
    return new BatchRun(results, Set.of(), Optional.empty());
  }
}
