package dev.mrt.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A job as the API reports it.
 *
 * @param status {@code queued}, {@code running}, {@code done} or {@code cancelled}
 * @param exitCode the command's status (124 on timeout, 125/127 when it could not start)
 * @param error why the container did not start, or why the job was cancelled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    String id,
    String status,
    Integer exitCode,
    String stdout,
    String stderr,
    Instant startedAt,
    Instant finishedAt,
    Boolean timedOut,
    Boolean truncated,
    String error) {}
