package dev.mrt.bundle.oci;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Maps {@code size} ids starting at {@code hostID} onto ids starting at {@code containerID}. */
public record IdMapping(
    @JsonProperty("containerID") long containerId,
    @JsonProperty("hostID") long hostId,
    long size) {}
