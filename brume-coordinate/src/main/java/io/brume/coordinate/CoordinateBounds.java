package io.brume.coordinate;

import org.jspecify.annotations.Nullable;

/**
 * Hard limits on a coordinate a peer claims: values that no honest Vivaldi node can hold. A
 * coordinate is impossible if a field is NaN or infinite, its height or error is negative, or a
 * magnitude (the vector's norm, the height, the adjustment) exceeds {@link #MAX_MAGNITUDE_MILLIS}:
 * ten times the largest RTT Vivaldi accepts ({@link VivaldiConfig#MAX_RTT_MILLIS}), so no honest
 * embedding comes near it, while a coordinate like {@code [1e6, 0, …]} or {@code 1e150} (issue 15)
 * is refused before it can move anything.
 */
public final class CoordinateBounds {
  /** Largest norm, height or |adjustment| accepted from a peer, ms (100 s). */
  public static final double MAX_MAGNITUDE_MILLIS = 10.0 * VivaldiConfig.MAX_RTT_MILLIS;

  /** Largest error estimate accepted from a peer (honest nodes cap theirs at errorMax, 1.5). */
  public static final double MAX_ERROR = 100.0;

  private CoordinateBounds() {}

  /**
   * Why {@code c} is impossible, or null if it is within bounds. Does not check dimensions.
   *
   * @param c the claimed coordinate
   */
  public static @Nullable String violation(Coordinate c) {
    if (!c.isValid()) {
      return "a NaN or infinite field";
    }
    double norm = Vectors.magnitude(c.vector());
    if (!(norm <= MAX_MAGNITUDE_MILLIS)) {
      return "vector norm " + norm + " ms > " + MAX_MAGNITUDE_MILLIS + " ms";
    }
    if (c.height() < 0.0 || c.height() > MAX_MAGNITUDE_MILLIS) {
      return "height " + c.height() + " ms outside [0, " + MAX_MAGNITUDE_MILLIS + "]";
    }
    if (Math.abs(c.adjustment()) > MAX_MAGNITUDE_MILLIS) {
      return "adjustment " + c.adjustment() + " ms outside ±" + MAX_MAGNITUDE_MILLIS;
    }
    if (c.error() < 0.0 || c.error() > MAX_ERROR) {
      return "error " + c.error() + " outside [0, " + MAX_ERROR + "]";
    }
    return null;
  }

  /**
   * Throws if {@code c} is impossible (see {@link #violation}).
   *
   * @param node the peer, named in the message
   * @throws InvalidSampleException with {@link InvalidSampleException.Reason#COORDINATE_NOT_FINITE}
   *     or {@link InvalidSampleException.Reason#COORDINATE_IMPLAUSIBLE}
   */
  public static void check(String node, Coordinate c) {
    if (!c.isValid()) {
      throw new InvalidSampleException(
          InvalidSampleException.Reason.COORDINATE_NOT_FINITE,
          "coordinate of " + node + " has a NaN or infinite field: " + c);
    }
    String why = violation(c);
    if (why != null) {
      throw new InvalidSampleException(
          InvalidSampleException.Reason.COORDINATE_IMPLAUSIBLE,
          "coordinate of " + node + " is impossible: " + why);
    }
  }
}
