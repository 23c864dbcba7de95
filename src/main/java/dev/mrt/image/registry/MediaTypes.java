package dev.mrt.image.registry;

import java.util.List;

/** The manifest media types mrt understands; registries choose among them by Accept. */
final class MediaTypes {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

  /**
   * All four, always: without the OCI ones distribution answers 404 for OCI images, and a Docker v2
   * manifest asked for without its type comes back converted to the old schema1.
   */
  static final List<String> ACCEPT = List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

  static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }

  static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  private MediaTypes() {}
}
