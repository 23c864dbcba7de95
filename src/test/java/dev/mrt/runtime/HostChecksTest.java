package dev.mrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt.host.HostIds;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostChecksTest {
  private final Map<String, String> files = new HashMap<>();
  private static final HostIds USER = new HostIds(1000, 1000, 022);
  private static final Path RUNC = Path.of("/home/u/.cache/mrt/runc/x/runc");

  private HostChecks host(HostIds ids) {
    return new HostChecks(f -> Optional.ofNullable(files.get(f)), ids, "u");
  }

  @Test
  void testUserNamespaces_debianSysctlOff() {
    files.put("/proc/sys/kernel/unprivileged_userns_clone", "0\n");
    Finding f = host(USER).userNamespaces(RUNC);
    assertEquals(Finding.Status.FAIL, f.status());
    assertTrue(f.fix().contains("sysctl -w kernel.unprivileged_userns_clone=1"), f.fix());
  }

  @Test
  void testUserNamespaces_ubuntuAppArmorNamesCachedRunc() {
    files.put("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    Finding f = host(USER).userNamespaces(RUNC);
    assertEquals(Finding.Status.FAIL, f.status());
    assertTrue(f.fix().contains("profile mrt-runc " + RUNC), f.fix());
    assertTrue(f.fix().contains("userns,"), f.fix());
  }

  @Test
  void testUserNamespaces_maxZero() {
    files.put("/proc/sys/user/max_user_namespaces", "0");
    assertEquals(Finding.Status.FAIL, host(USER).userNamespaces(RUNC).status());
  }

  @Test
  void testUserNamespaces_allowed() {
    files.put("/proc/sys/kernel/unprivileged_userns_clone", "1");
    files.put("/proc/sys/user/max_user_namespaces", "63000");
    assertEquals(Finding.Status.OK, host(USER).userNamespaces(RUNC).status());
  }

  @Test
  void testUserNamespaces_rootNeedsNone() {
    files.put("/proc/sys/kernel/unprivileged_userns_clone", "0");
    assertEquals(Finding.Status.OK, host(new HostIds(0, 0, 022)).userNamespaces(RUNC).status());
  }

  @Test
  void testSubordinateIds_missingIsOnlyAWarning() {
    files.put("/etc/subuid", "other:100000:65536\n");
    Finding f = host(USER).subordinateIds();
    assertEquals(Finding.Status.WARN, f.status());
    assertTrue(f.passes());
  }

  @Test
  void testCgroups_v2Delegated() {
    files.put("/sys/fs/cgroup/cgroup.controllers", "cpu memory pids");
    files.put(
        "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers",
        "cpu memory pids\n");
    assertEquals(Finding.Status.OK, host(USER).cgroups().status());
  }

  @Test
  void testCgroups_v2NotDelegatedWarns() {
    files.put("/sys/fs/cgroup/cgroup.controllers", "cpu memory pids");
    Finding f = host(USER).cgroups();
    assertEquals(Finding.Status.WARN, f.status());
    assertTrue(f.fix().contains("Delegate=yes"), f.fix());
  }

  @Test
  void testCgroups_v1IsFineRootfulAndSaysWhatIsMissingRootless() {
    assertEquals(Finding.Status.OK, host(new HostIds(0, 0, 022)).cgroups().status());
    Finding rootless = host(USER).cgroups();
    assertEquals(Finding.Status.WARN, rootless.status());
    assertTrue(
        rootless.detail().contains("no memory or cpu limits (processes are still capped)"),
        rootless.detail());
  }
}
