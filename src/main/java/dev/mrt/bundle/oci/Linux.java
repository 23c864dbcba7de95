package dev.mrt.bundle.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Linux-specific settings: namespaces, id mappings, masked paths, cgroup limits, seccomp. */
public record Linux(
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IdMapping> uidMappings,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IdMapping> gidMappings,
    List<Namespace> namespaces,
    List<String> maskedPaths,
    List<String> readonlyPaths,
    @JsonInclude(JsonInclude.Include.NON_NULL) Resources resources,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode seccomp) {

  public Linux(
      List<IdMapping> uidMappings,
      List<IdMapping> gidMappings,
      List<Namespace> namespaces,
      List<String> maskedPaths,
      List<String> readonlyPaths,
      Resources resources) {
    this(uidMappings, gidMappings, namespaces, maskedPaths, readonlyPaths, resources, null);
  }

  public Linux {
    uidMappings = List.copyOf(uidMappings);
    gidMappings = List.copyOf(gidMappings);
    namespaces = List.copyOf(namespaces);
    maskedPaths = List.copyOf(maskedPaths);
    readonlyPaths = List.copyOf(readonlyPaths);
  }

  public Linux withNamespaces(List<Namespace> ns) {
    return new Linux(uidMappings, gidMappings, ns, maskedPaths, readonlyPaths, resources, seccomp);
  }

  public Linux withResources(Resources r) {
    return new Linux(uidMappings, gidMappings, namespaces, maskedPaths, readonlyPaths, r, seccomp);
  }

  public Linux withIdMappings(List<IdMapping> uids, List<IdMapping> gids) {
    return new Linux(uids, gids, namespaces, maskedPaths, readonlyPaths, resources, seccomp);
  }

  /**
   * @param profile an OCI {@code linux.seccomp} object, or null for none
   */
  public Linux withSeccomp(JsonNode profile) {
    return new Linux(
        uidMappings, gidMappings, namespaces, maskedPaths, readonlyPaths, resources, profile);
  }
}
