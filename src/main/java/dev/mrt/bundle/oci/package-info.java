/**
 * The OCI runtime spec ({@code config.json}) as plain immutable records, exactly the fields mrt
 * writes. Field names follow the spec (runtime-spec 1.0.2, the version runc 1.1 implements); a null
 * component is left out of the JSON. Building and transforming specs lives in {@code
 * dev.mrt.bundle}, not here.
 */
package dev.mrt.bundle.oci;
