package dev.mrt.archivematica.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One task in a job payload. Every field may be missing on the wire; the translator decides what is
 * required.
 *
 * @param createdDate ISO 8601; pickled datetimes are converted to this form before translation
 * @param wantsOutput MCPClient treats a missing value as true
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskWire(
    String uuid,
    String createdDate,
    String arguments,
    @JsonProperty("wants_output") Boolean wantsOutput) {}
