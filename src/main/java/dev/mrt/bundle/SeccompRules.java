package dev.mrt.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A container's {@code linux.seccomp} as the line rules {@code mrt-handoff --compile-seccomp}
 * builds a filter from, making the libseccomp calls runc makes for it
 * (libcontainer/seccomp/seccomp_linux.go): one rule per syscall name, rules whose action is the
 * default skipped, conditions on distinct arguments ANDed in one rule and conditions that share an
 * argument made separate rules, binary-tree optimisation past 32 rules.
 *
 * <p>Only profiles whose filter runc would load unchanged qualify. runc prepends a stub that
 * answers ENOSYS for syscalls newer than the profile's, which changes nothing when the default
 * already answers ENOSYS or allows; for any other default, flags, or a notify action, the profile
 * stays with runc.
 */
final class SeccompRules {
  private static final int EPERM = 1;
  private static final int ENOSYS = 38;

  /** runc turns the tree optimisation on above this many rules. */
  private static final int OPTIMIZE_ABOVE = 32;

  private static final int MAX_ARGS = 6;
  private static final Set<String> OPERATORS =
      Set.of(
          "SCMP_CMP_NE",
          "SCMP_CMP_LT",
          "SCMP_CMP_LE",
          "SCMP_CMP_EQ",
          "SCMP_CMP_GE",
          "SCMP_CMP_GT",
          "SCMP_CMP_MASKED_EQ");

  private SeccompRules() {}

  /** What a compiled filter is named by: the sha256 of its rules. */
  static Digest digest(String rules) {
    return Digest.sha256(rules.getBytes(StandardCharsets.UTF_8));
  }

  /** The rules, or empty when only runc itself can load this profile as it means it. */
  static Optional<String> of(JsonNode seccomp) {
    if (seccomp == null || seccomp.path("flags").size() > 0 || seccomp.has("listenerPath")) {
      return Optional.empty();
    }
    Optional<Action> defaultAction =
        Action.of(seccomp.path("defaultAction").asText(), seccomp.path("defaultErrnoRet"));
    if (defaultAction.isEmpty() || !defaultAction.get().needsNoEnosysStub()) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    out.append("default ").append(defaultAction.get()).append('\n');
    for (JsonNode arch : seccomp.path("architectures")) {
      out.append("arch ").append(archName(arch.asText())).append('\n');
    }
    List<String> rules = new ArrayList<>();
    int names = 0;
    for (JsonNode syscall : seccomp.path("syscalls")) {
      Optional<Action> action =
          Action.of(syscall.path("action").asText(), syscall.path("errnoRet"));
      if (action.isEmpty()) {
        return Optional.empty();
      }
      Optional<List<String>> conditions = conditions(syscall.path("args"));
      if (conditions.isEmpty()) {
        return Optional.empty();
      }
      for (JsonNode name : syscall.path("names")) {
        names++;
        if (action.get().sameAs(defaultAction.get())) {
          continue;
        }
        for (String c : conditions.get()) {
          rules.add("rule " + action.get() + " " + name.asText() + c);
        }
      }
    }
    if (names > OPTIMIZE_ABOVE) {
      out.append("optimize 2\n");
    }
    rules.forEach(r -> out.append(r).append('\n'));
    return Optional.of(out.toString());
  }

  /**
   * Each rule's conditions: one rule with all of them, unless two test the same argument; then one
   * rule for each (runc's "old behaviour"). No arguments: one unconditional rule. Empty for what
   * runc would refuse, so that runc says so.
   */
  private static Optional<List<String>> conditions(JsonNode args) {
    List<String> each = new ArrayList<>();
    Set<Integer> indices = new HashSet<>();
    boolean shared = false;
    for (JsonNode a : args) {
      int index = a.path("index").asInt();
      String op = a.path("op").asText();
      if (index < 0 || index >= MAX_ARGS || !OPERATORS.contains(op)) {
        return Optional.empty();
      }
      shared |= !indices.add(index);
      each.add(
          " "
              + index
              + " "
              + op.substring("SCMP_CMP_".length())
              + " "
              + Long.toUnsignedString(a.path("value").asLong())
              + " "
              + Long.toUnsignedString(a.path("valueTwo").asLong()));
    }
    if (each.isEmpty()) {
      return Optional.of(List.of(""));
    }
    return Optional.of(shared ? each : List.of(String.join("", each)));
  }

  /** SCMP_ARCH_X86_64 -> x86_64, as libseccomp's seccomp_arch_resolve_name spells it. */
  private static String archName(String oci) {
    return oci.replaceFirst("^SCMP_ARCH_", "").toLowerCase(Locale.ROOT);
  }

  /** An action as runc reads it: KILL is KILL_THREAD, ERRNO and TRACE default to EPERM. */
  private record Action(String name, int ret) {
    static Optional<Action> of(String oci, JsonNode errnoRet) {
      String name = oci.replaceFirst("^SCMP_ACT_", "");
      int ret = errnoRet.isNumber() ? errnoRet.asInt() : EPERM;
      return switch (name) {
        case "ALLOW", "LOG", "TRAP", "KILL_PROCESS" -> Optional.of(new Action(name, 0));
        case "KILL", "KILL_THREAD" -> Optional.of(new Action("KILL_THREAD", 0));
        case "ERRNO", "TRACE" -> Optional.of(new Action(name, ret));
        default -> Optional.empty(); // NOTIFY needs runc's listener; unknown: runc says so
      };
    }

    /**
     * Not {@code equals}: a record's first equals links its method handles, ~4 ms of a cold {@code
     * mrt run}.
     */
    boolean sameAs(Action other) {
      return name.equals(other.name) && ret == other.ret;
    }

    /** See the class comment: the stub runc adds would change nothing. */
    boolean needsNoEnosysStub() {
      return name.equals("ALLOW")
          || name.equals("LOG")
          || name.equals("TRACE")
          || (name.equals("ERRNO") && ret == ENOSYS);
    }

    @Override
    public String toString() {
      return name + " " + ret;
    }
  }
}
