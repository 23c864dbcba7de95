package dev.mrt.bundle.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code linux.resources}: the cgroup limits runc applies. Only what mrt sets is modelled; an
 * absent part is left out of the JSON, which runc reads as "no limit".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resources(Memory memory, Cpu cpu, Pids pids) {

  /** {@code memory.limit} in bytes; swap is held to the same figure, so the limit is real. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Memory(long limit, Long swap) {}

  /** CFS bandwidth: {@code quota} microseconds of CPU per {@code period}. */
  public record Cpu(long quota, long period) {}

  /** The most processes (threads included) the container may have. */
  public record Pids(long limit) {}
}
