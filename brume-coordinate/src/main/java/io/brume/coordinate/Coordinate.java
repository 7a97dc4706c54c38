package io.brume.coordinate;

import java.time.Duration;
import java.util.Arrays;

/**
 * An immutable network coordinate: a Euclidean vector plus a height ([1] §5.2), the node's error
 * estimate and its non-Euclidean adjustment term ([3]); distances are in milliseconds. References
 * as in {@link VivaldiConfig}.
 *
 * <p>The predicted RTT between a and b is {@code ‖a.vector − b.vector‖ + a.height + b.height}, plus
 * {@code a.adjustment + b.adjustment} when that sum stays positive (as Serf's {@code DistanceTo}).
 *
 * <p>A coordinate received from a peer may be anything: check it with {@link #isValid()} and {@link
 * #isCompatibleWith(Coordinate)} before use ({@link VivaldiClient#update} does).
 *
 * @param vector the Euclidean part, ms; copied in and out
 * @param error the node's error estimate (relative, dimensionless)
 * @param adjustment the adjustment term, ms
 * @param height the height, ms
 */
public record Coordinate(double[] vector, double error, double adjustment, double height) {

  /**
   * Copies {@code vector}; does not validate (a peer's coordinate is validated where it is used).
   */
  public Coordinate {
    vector = vector.clone();
  }

  /**
   * The origin of a space with {@code dimensions} dimensions and Serf's defaults: zero vector,
   * height {@code heightMin}, error {@code errorMax} of {@link VivaldiConfig#defaults()}.
   */
  public static Coordinate origin(int dimensions) {
    return origin(VivaldiConfig.defaults().withDimensions(dimensions));
  }

  /**
   * The origin for {@code config}: zero vector, height {@code heightMin}, error {@code errorMax}.
   */
  public static Coordinate origin(VivaldiConfig config) {
    return new Coordinate(
        new double[config.dimensions()], config.errorMax(), 0.0, config.heightMin());
  }

  /** A copy of the Euclidean part. */
  @Override
  public double[] vector() {
    return vector.clone();
  }

  /** The number of Euclidean dimensions. */
  public int dimensions() {
    return vector.length;
  }

  /** One component of the Euclidean part, without copying. */
  public double component(int i) {
    return vector[i];
  }

  /** True if every component, the error, adjustment and height are finite numbers. */
  public boolean isValid() {
    for (double v : vector) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return Double.isFinite(error) && Double.isFinite(adjustment) && Double.isFinite(height);
  }

  /** True if both coordinates have the same number of dimensions. */
  public boolean isCompatibleWith(Coordinate other) {
    return vector.length == other.vector.length;
  }

  /**
   * Predicted RTT to {@code other} in ms, with adjustments (Serf {@code DistanceTo}); never
   * negative.
   *
   * @throws IllegalArgumentException if the dimensions differ
   */
  public double estimateRttMillis(Coordinate other) {
    return estimateRttMillis(vector, height, adjustment, other);
  }

  /**
   * Serf's {@code DistanceTo}, the one implementation of the RTT estimate in brume: from a
   * coordinate given by its parts (a {@link VivaldiClient}'s live state, not copied) to {@code
   * other}, ms, never negative.
   *
   * @throws IllegalArgumentException if the dimensions differ
   */
  static double estimateRttMillis(
      double[] vector, double height, double adjustment, Coordinate other) {
    return estimateFromRaw(rawDistanceMillis(vector, height, other), adjustment + other.adjustment);
  }

  /**
   * The estimate from the raw distance ({@code ‖a − b‖ + h_a + h_b}, ms) and the sum of the two
   * adjustment terms: adjusted, unless the adjustments would make it negative.
   */
  static double estimateFromRaw(double rawMillis, double adjustments) {
    double adjusted = rawMillis + adjustments;
    return adjusted > 0.0 ? adjusted : Math.max(rawMillis, 0.0);
  }

  /**
   * Predicted RTT to {@code other}, rounded to nanoseconds; see {@link
   * #estimateRttMillis(Coordinate)}.
   */
  public Duration distanceTo(Coordinate other) {
    double ms = estimateRttMillis(other);
    return Duration.ofNanos(Math.round(Math.min(ms, 1.0e12) * 1.0e6));
  }

  /** Distance without the adjustment terms: ‖a − b‖ + h_a + h_b, ms. */
  public double rawDistanceMillis(Coordinate other) {
    return rawDistanceMillis(vector, height, other);
  }

  /** {@link #rawDistanceMillis(Coordinate)} from a coordinate given by its parts, not copied. */
  static double rawDistanceMillis(double[] vector, double height, Coordinate other) {
    if (vector.length != other.vector.length) {
      throw new IllegalArgumentException(
          "coordinate dimensions differ: " + vector.length + " vs " + other.vector.length);
    }
    return Vectors.distance(vector, other.vector) + height + other.height;
  }

  /** The same coordinate with another error estimate. */
  public Coordinate withError(double newError) {
    return new Coordinate(vector, newError, adjustment, height);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Coordinate c
        && Arrays.equals(vector, c.vector)
        && Double.compare(error, c.error) == 0
        && Double.compare(adjustment, c.adjustment) == 0
        && Double.compare(height, c.height) == 0;
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(vector);
    h = 31 * h + Double.hashCode(error);
    h = 31 * h + Double.hashCode(adjustment);
    return 31 * h + Double.hashCode(height);
  }

  @Override
  public String toString() {
    return "Coordinate[vector="
        + Arrays.toString(vector)
        + ", error="
        + error
        + ", adjustment="
        + adjustment
        + ", height="
        + height
        + "]";
  }
}
