package dev.mrt.archivematica.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The WORK_COMPLETE payload MCPServer expects:
 *
 * <pre>{@code
 * {"task_results":{"8022802f-...":{"exitCode":0,"finishedTimestamp":"2024-08-04T21:34:36.661575+00:00",
 *   "stdout":"","stderror":""}}}
 * }</pre>
 */
public record ResultsWire(@JsonProperty("task_results") Map<String, TaskResultWire> taskResults) {}
