package dev.mrt.bundle;

import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.NamespaceType;
import dev.mrt.bundle.oci.Spec;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a spec before runc sees it, as an ordered list of small named checks (after runc's {@code
 * configs/validate}). A problem here is mrt's bug or a bad request, and is reported in mrt's words
 * rather than as a runc error from deep inside container setup.
 */
public final class SpecValidator {

  private record Check(String name, Function<Spec, Optional<String>> test) {}

  private static final List<Check> CHECKS =
      List.of(
          new Check("command", SpecValidator::command),
          new Check("cwd", SpecValidator::cwd),
          new Check("root", SpecValidator::root),
          new Check("mounts", SpecValidator::mounts),
          new Check("rootless", SpecValidator::rootless));

  private SpecValidator() {}

  /** Throws {@link InvalidSpecException} naming the first check that fails. */
  public static Spec validate(Spec spec) {
    for (Check check : CHECKS) {
      Optional<String> problem = check.test().apply(spec);
      if (problem.isPresent()) {
        throw new InvalidSpecException(check.name(), problem.get());
      }
    }
    return spec;
  }

  private static Optional<String> command(Spec spec) {
    List<String> args = spec.process().args();
    if (args.isEmpty() || args.get(0).isEmpty()) {
      return Optional.of("no command to run; give one after --");
    }
    return Optional.empty();
  }

  private static Optional<String> cwd(Spec spec) {
    String cwd = spec.process().cwd();
    return cwd.startsWith("/")
        ? Optional.empty()
        : Optional.of("working directory '" + cwd + "' must be an absolute path");
  }

  private static Optional<String> root(Spec spec) {
    return spec.root().path().startsWith("/")
        ? Optional.empty()
        : Optional.of("root filesystem path '" + spec.root().path() + "' must be absolute");
  }

  private static Optional<String> mounts(Spec spec) {
    for (Mount m : spec.mounts()) {
      if (!m.destination().startsWith("/")) {
        return Optional.of("mount destination '" + m.destination() + "' must be absolute");
      }
      if (m.destination().equals("/")) {
        return Optional.of("cannot mount over the container's root '/'");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> rootless(Spec spec) {
    boolean userns =
        spec.linux().namespaces().stream().anyMatch(n -> n.type() == NamespaceType.USER);
    if (!userns) {
      return Optional.empty();
    }
    if (spec.linux().uidMappings().isEmpty() || spec.linux().gidMappings().isEmpty()) {
      return Optional.of("a user namespace needs uid and gid mappings");
    }
    for (Mount m : spec.mounts()) {
      if (m.type().equals("cgroup")) {
        return Optional.of("rootless containers cannot mount " + m.destination());
      }
      for (String o : m.options()) {
        if (o.startsWith("uid=") || o.startsWith("gid=")) {
          return Optional.of("mount " + m.destination() + " has option " + o + " not mapped");
        }
      }
    }
    return Optional.empty();
  }
}
