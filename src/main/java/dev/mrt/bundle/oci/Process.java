package dev.mrt.bundle.oci;

import java.util.List;

/** The container's process: what runs, as whom, with which environment and privileges. */
public record Process(
    boolean terminal,
    User user,
    List<String> args,
    List<String> env,
    String cwd,
    Capabilities capabilities,
    boolean noNewPrivileges) {

  public Process {
    args = List.copyOf(args);
    env = List.copyOf(env);
  }

  public Process withUser(User u) {
    return new Process(terminal, u, args, env, cwd, capabilities, noNewPrivileges);
  }
}
