package io.brume.coordinate;

import java.util.Locale;

/**
 * Numbers in hand-written JSON: JSON has no NaN or infinity, so a value that is not finite (a
 * metric that does not apply, such as nearest-of-5 on fewer than 6 nodes) is written {@code null}.
 */
public final class JsonNumbers {
  private JsonNumbers() {}

  /** {@code value} with {@code decimals} digits after the point, or {@code null} if not finite. */
  public static String format(double value, int decimals) {
    return Double.isFinite(value)
        ? String.format(Locale.ROOT, "%." + decimals + "f", value)
        : "null";
  }
}
