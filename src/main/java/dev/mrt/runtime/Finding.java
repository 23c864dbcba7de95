package dev.mrt.runtime;

/**
 * One result of {@code mrt doctor}.
 *
 * @param essential containers cannot run here until this passes
 * @param fix what to do, empty when nothing is wrong
 */
public record Finding(String check, Status status, boolean essential, String detail, String fix) {

  public enum Status {
    OK,
    WARN,
    FAIL
  }

  public static Finding ok(String check, boolean essential, String detail) {
    return new Finding(check, Status.OK, essential, detail, "");
  }

  public static Finding problem(String check, boolean essential, String detail, String fix) {
    return new Finding(check, essential ? Status.FAIL : Status.WARN, essential, detail, fix);
  }

  /** False only for a failed essential check. */
  public boolean passes() {
    return status != Status.FAIL;
  }
}
