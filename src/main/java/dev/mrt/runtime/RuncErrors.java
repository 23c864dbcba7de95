package dev.mrt.runtime;

import java.util.Locale;

/** What a user can do about runc's common start failures. */
public final class RuncErrors {
  private RuncErrors() {}

  /** A hint for runc's error message, or empty when there is nothing better than its words. */
  public static String hint(String runcError) {
    String e = runcError.toLowerCase(Locale.ROOT);
    boolean denied = e.contains("operation not permitted") || e.contains("permission denied");
    // user.max_user_namespaces exhausted or 0 gives ENOSPC rather than EPERM.
    if (e.contains("user namespace") && e.contains("no space left on device")) {
      return "this host allows no more user namespaces (user.max_user_namespaces); "
          + "run `mrt doctor` for the fix";
    }
    if (denied
        && (e.contains("user namespace")
            || e.contains("unshare")
            || e.contains("newuidmap")
            || e.contains("uid_map")
            || e.contains("nsexec"))) {
      return "this host refuses user namespaces to this user; run `mrt doctor` for the fix";
    }
    if (e.contains("no such file or directory") && e.contains("cwd")) {
      return "the working directory does not exist in the image; create it or pick another with -w";
    }
    if (e.contains("mount") && e.contains("no such file or directory")) {
      return "a mount source does not exist on the host; check the -v paths";
    }
    if (denied) {
      return "run `mrt doctor` to check what rootless containers need here";
    }
    return "";
  }
}
