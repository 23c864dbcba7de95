package dev.mrt.bundle.oci;

/** A Linux namespace the container gets its own instance of. */
public record Namespace(NamespaceType type) {}
