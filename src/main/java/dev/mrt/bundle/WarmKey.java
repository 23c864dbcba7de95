package dev.mrt.bundle;

import dev.mrt.bundle.oci.Spec;

/**
 * What jobs must share to take each other's warm containers: their spec without what the hand-off
 * carries. Equal keys are equal {@code fixedSpec}s alone; a key also holds the full, checked spec
 * of the job it was made for, so handing that job over does not build and check it again. Opaque to
 * everyone but {@link WarmStarts}.
 */
public final class WarmKey {
  private final String fixedSpec;
  private final Spec job;

  WarmKey(String fixedSpec, Spec job) {
    this.fixedSpec = fixedSpec;
    this.job = job;
  }

  /** The checked spec of the job this key was made for. */
  Spec job() {
    return job;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WarmKey k && k.fixedSpec.equals(fixedSpec);
  }

  @Override
  public int hashCode() {
    return fixedSpec.hashCode();
  }
}
