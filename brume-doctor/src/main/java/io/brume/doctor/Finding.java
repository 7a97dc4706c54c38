package io.brume.doctor;

import org.jspecify.annotations.Nullable;

/**
 * The result of one check.
 *
 * @param check the check's name
 * @param status the outcome
 * @param summary what was found, one line
 * @param change for a warning: what to change; otherwise empty
 * @param why for a warning: why it matters; otherwise empty
 * @param fix a safe automatic fix, or null
 */
public record Finding(
    String check, Status status, String summary, String change, String why, @Nullable Fix fix) {

  public static Finding ok(String check, String summary) {
    return new Finding(check, Status.OK, summary, "", "", null);
  }

  public static Finding unknown(String check, String summary) {
    return new Finding(check, Status.UNKNOWN, summary, "", "", null);
  }

  public static Finding warn(String check, String summary, String change, String why) {
    return new Finding(check, Status.WARN, summary, change, why, null);
  }

  /** This finding with an automatic fix. */
  public Finding withFix(Fix fix) {
    return new Finding(check, status, summary, change, why, fix);
  }
}
