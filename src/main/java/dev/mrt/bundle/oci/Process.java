package dev.mrt.bundle.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The container's process: what runs, as whom, with which environment, privileges and rlimits. */
public record Process(
    boolean terminal,
    User user,
    List<String> args,
    List<String> env,
    String cwd,
    Capabilities capabilities,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rlimit> rlimits,
    boolean noNewPrivileges) {

  public Process {
    args = List.copyOf(args);
    env = List.copyOf(env);
    rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
  }

  /** A process with no rlimits of its own: runc's inherit mrt's. */
  public Process(
      boolean terminal,
      User user,
      List<String> args,
      List<String> env,
      String cwd,
      Capabilities capabilities,
      boolean noNewPrivileges) {
    this(terminal, user, args, env, cwd, capabilities, List.of(), noNewPrivileges);
  }

  /** The same process settings for another command, environment and working directory. */
  public Process withCommand(List<String> a, List<String> e, String c) {
    return new Process(terminal, user, a, e, c, capabilities, rlimits, noNewPrivileges);
  }

  public Process withRlimits(List<Rlimit> r) {
    return new Process(terminal, user, args, env, cwd, capabilities, r, noNewPrivileges);
  }
}
