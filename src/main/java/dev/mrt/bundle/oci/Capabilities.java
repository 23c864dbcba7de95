package dev.mrt.bundle.oci;

import java.util.List;

/** Capability sets; mrt gives the same list to bounding, effective and permitted. */
public record Capabilities(List<String> bounding, List<String> effective, List<String> permitted) {

  public Capabilities {
    bounding = List.copyOf(bounding);
    effective = List.copyOf(effective);
    permitted = List.copyOf(permitted);
  }

  public static Capabilities of(List<String> caps) {
    return new Capabilities(caps, caps, caps);
  }
}
