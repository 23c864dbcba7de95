package dev.mrt.bundle;

import dev.mrt.bundle.oci.IdMapping;
import dev.mrt.bundle.oci.Mount;
import dev.mrt.bundle.oci.Namespace;
import dev.mrt.bundle.oci.NamespaceType;
import dev.mrt.bundle.oci.Resources;
import dev.mrt.bundle.oci.Rlimit;
import dev.mrt.bundle.oci.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a rootful spec into one an unprivileged user can run, as runc's {@code specconv.ToRootless}
 * does, but pure: the ids come in as arguments and a new spec comes out.
 */
public final class Rootless {

  private Rootless() {}

  public static Spec toRootless(Spec spec, long hostUid, long hostGid) {
    // 1. A user namespace of our own. Unlike runc's example we keep a network namespace the
    // caller asked for (--network none): an unprivileged user may create one inside the user
    // namespace, and it holds only loopback.
    List<Namespace> namespaces = new ArrayList<>();
    for (Namespace ns : spec.linux().namespaces()) {
      if (ns.type() != NamespaceType.USER) {
        namespaces.add(ns);
      }
    }
    namespaces.add(new Namespace(NamespaceType.USER));

    // 2. The caller becomes root inside, and nobody else exists.
    List<IdMapping> uids = List.of(new IdMapping(0, hostUid, 1));
    List<IdMapping> gids = List.of(new IdMapping(0, hostGid, 1));

    List<Mount> mounts = new ArrayList<>();
    for (Mount m : spec.mounts()) {
      if (m.destination().equals("/sys")) {
        // 3. sysfs cannot be mounted without owning the network namespace: bind the host's.
        mounts.add(
            new Mount("/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
      } else if (m.type().equals("cgroup")) {
        // 4. No cgroup mount: without delegation the user cannot mount the hierarchy.
        continue;
      } else {
        // 5. uid=/gid= name ids that do not exist in a one-id user namespace.
        mounts.add(m.withOptions(withoutIdOptions(m.options())));
      }
    }

    // 6. cgroup pids need a delegated tree, which an unprivileged user rarely has. RLIMIT_NPROC
    // counts the processes of the job's uid in its own user namespace (a fresh one, so its
    // processes alone) and holds for the container's root, which has no CAP_SYS_RESOURCE on
    // the host: the same cap, with or without cgroups.
    Spec out =
        spec.withMounts(mounts)
            .withLinux(spec.linux().withNamespaces(namespaces).withIdMappings(uids, gids));
    Resources r = spec.linux().resources();
    if (r != null && r.pids() != null) {
      List<Rlimit> rlimits = new ArrayList<>();
      for (Rlimit l : spec.process().rlimits()) {
        if (!l.type().equals("RLIMIT_NPROC")) {
          rlimits.add(l);
        }
      }
      rlimits.add(Rlimit.nproc(r.pids().limit()));
      Resources rest = new Resources(r.memory(), r.cpu(), null);
      out =
          out.withProcess(out.process().withRlimits(rlimits))
              .withLinux(
                  out.linux()
                      .withResources(rest.memory() == null && rest.cpu() == null ? null : rest));
    }
    return out;
  }

  private static List<String> withoutIdOptions(List<String> options) {
    return options.stream().filter(o -> !o.startsWith("uid=") && !o.startsWith("gid=")).toList();
  }
}
