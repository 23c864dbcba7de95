package dev.mrt.bundle.oci;

/** The root filesystem; an absolute path lets every job share one unpacked image. */
public record Root(String path, boolean readonly) {}
