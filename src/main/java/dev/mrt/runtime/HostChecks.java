package dev.mrt.runtime;

import dev.mrt.host.HostIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What rootless containers need from the host, each with the fix when it is missing. Host files are
 * read through {@link #read} so tests can give any host's values.
 */
public final class HostChecks {
  private final Function<String, Optional<String>> read;
  private final HostIds ids;
  private final String user;

  public HostChecks(Function<String, Optional<String>> read, HostIds ids, String user) {
    this.read = read;
    this.ids = ids;
    this.user = user;
  }

  /** Reads the real host, as the user {@code ids} says mrt runs as. */
  public static HostChecks ofHost(HostIds ids) {
    return new HostChecks(HostChecks::readFile, ids, System.getProperty("user.name"));
  }

  public List<Finding> run(Path runc) {
    List<Finding> out = new ArrayList<>();
    out.add(userNamespaces(runc));
    out.add(subordinateIds());
    out.add(cgroups());
    return out;
  }

  Finding userNamespaces(Path runc) {
    String check = "user-namespaces";
    if (!ids.rootless()) {
      return Finding.ok(check, true, "running as root: containers are rootful and need none");
    }
    if (value("/proc/sys/kernel/unprivileged_userns_clone").equals("0")) {
      return Finding.problem(
          check,
          true,
          "the kernel refuses user namespaces to unprivileged users "
              + "(kernel.unprivileged_userns_clone = 0)",
          "as root: sysctl -w kernel.unprivileged_userns_clone=1 && echo "
              + "kernel.unprivileged_userns_clone=1 > /etc/sysctl.d/90-mrt-userns.conf");
    }
    if (value("/proc/sys/user/max_user_namespaces").equals("0")) {
      return Finding.problem(
          check,
          true,
          "user namespaces are disabled (user.max_user_namespaces = 0)",
          "as root: sysctl -w user.max_user_namespaces=28633 && echo "
              + "user.max_user_namespaces=28633 > /etc/sysctl.d/90-mrt-userns.conf");
    }
    if (value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").equals("1")) {
      return Finding.problem(
          check,
          true,
          "AppArmor restricts unprivileged user namespaces "
              + "(kernel.apparmor_restrict_unprivileged_userns = 1, as on Ubuntu 23.10+)",
          "as root, allow them for mrt's runc only: printf 'abi <abi/4.0>,\\ninclude "
              + "<tunables/global>\\nprofile mrt-runc "
              + runc
              + " flags=(unconfined) {\\n  userns,\\n}\\n' > /etc/apparmor.d/mrt-runc && "
              + "apparmor_parser -r /etc/apparmor.d/mrt-runc");
    }
    return Finding.ok(check, true, "unprivileged user namespaces are allowed");
  }

  Finding subordinateIds() {
    String check = "subuid";
    if (!ids.rootless()) {
      return Finding.ok(check, false, "not needed as root");
    }
    boolean has =
        read.apply("/etc/subuid")
            .orElse("")
            .lines()
            .anyMatch(l -> l.startsWith(user + ":") || l.startsWith(ids.uid() + ":"));
    if (has) {
      return Finding.ok(check, false, "/etc/subuid has a range for " + user);
    }
    return Finding.problem(
        check,
        false,
        "no subordinate uid range for "
            + user
            + "; mrt maps only your own uid, so images that "
            + "switch to other users inside cannot do so",
        "as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + user);
  }

  Finding cgroups() {
    String check = "cgroups";
    boolean v2 = read.apply("/sys/fs/cgroup/cgroup.controllers").isPresent();
    if (!v2 && !ids.rootless()) {
      return Finding.ok(check, false, "cgroup v1 (or hybrid), managed as root");
    }
    if (!v2) {
      return Finding.problem(
          check,
          false,
          "cgroup v1 (or hybrid): rootless jobs get no memory or cpu limits (processes are"
              + " still capped)",
          "boot with systemd.unified_cgroup_hierarchy=1 to use cgroup v2 limits");
    }
    if (!ids.rootless()) {
      return Finding.ok(check, false, "cgroup v2, managed as root");
    }
    String delegated =
        read.apply(
                "/sys/fs/cgroup/user.slice/user-"
                    + ids.uid()
                    + ".slice/user@"
                    + ids.uid()
                    + ".service/cgroup.controllers")
            .orElse("");
    if (delegated.contains("memory") && delegated.contains("pids")) {
      return Finding.ok(check, false, "cgroup v2 with controllers delegated: " + delegated.strip());
    }
    return Finding.problem(
        check,
        false,
        "cgroup v2 but no controllers delegated to "
            + user
            + ": jobs get no memory or cpu"
            + " limits (processes are still capped)",
        "run mrt from a systemd unit with Delegate=yes (deploy/systemd/mrt.service)");
  }

  private String value(String file) {
    return read.apply(file).map(String::strip).orElse("");
  }

  private static Optional<String> readFile(String file) {
    try {
      return Optional.of(Files.readString(Path.of(file)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
