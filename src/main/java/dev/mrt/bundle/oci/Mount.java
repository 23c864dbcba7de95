package dev.mrt.bundle.oci;

import java.util.List;

/** One mount, in the order runc performs them. */
public record Mount(String destination, String type, String source, List<String> options) {

  public Mount {
    options = List.copyOf(options);
  }

  public Mount withOptions(List<String> o) {
    return new Mount(destination, type, source, o);
  }
}
