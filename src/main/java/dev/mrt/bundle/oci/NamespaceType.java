package dev.mrt.bundle.oci;

import com.fasterxml.jackson.annotation.JsonValue;

/** The namespace kinds of the runtime spec, by their JSON names. */
public enum NamespaceType {
  PID("pid"),
  NETWORK("network"),
  IPC("ipc"),
  UTS("uts"),
  MOUNT("mount"),
  USER("user"),
  CGROUP("cgroup");

  private final String json;

  NamespaceType(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }
}
