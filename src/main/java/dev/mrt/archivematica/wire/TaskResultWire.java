package dev.mrt.archivematica.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One task's result. {@code stdout} and {@code stderror} are null (and left out) unless the task
 * wanted output, as in MCPClient.
 *
 * @param finishedTimestamp ISO 8601 with {@code +00:00} and six fraction digits
 * @param stderr the same text as {@code stderror}, or null: MCPServer reads this key for a workflow
 *     link's stderr_file, MCPClient only ever sent {@code stderror}
 */
@JsonPropertyOrder({"exitCode", "finishedTimestamp", "stdout", "stderror", "stderr"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskResultWire(
    int exitCode, String finishedTimestamp, String stdout, String stderror, String stderr) {}
