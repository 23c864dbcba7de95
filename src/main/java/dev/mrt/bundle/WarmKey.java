package dev.mrt.bundle;

/**
 * What jobs must share to take each other's warm containers: their spec without what the hand-off
 * carries. Opaque to everyone but {@link WarmStarts}.
 */
public record WarmKey(String fixedSpec) {}
