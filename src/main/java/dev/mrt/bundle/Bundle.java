package dev.mrt.bundle;

import dev.mrt.bundle.oci.Spec;
import java.nio.file.Path;

/**
 * One job's bundle directory: its {@code config.json}, runc's log and the owner record. The root
 * filesystem is not in here: the spec points at the shared, read-only one.
 */
public record Bundle(String containerId, Path dir, Spec spec) {}
