package io.brume.emulation;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.VivaldiClient;
import io.brume.coordinate.VivaldiConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.random.RandomGenerator;

/**
 * The emulation's only contact with brume-coordinate's API, kept to calls whose meaning does not
 * depend on the library's internal time unit: RTTs go in and estimates come out as {@link
 * Duration}s, and the unit of a coordinate's vector is measured once ({@link #UNIT_MILLIS}).
 */
final class CoordinateMath {
  /**
   * brume's tuned configuration: its latency filter takes a low percentile of recent samples, which
   * also discards the scheduling delays a busy machine adds to the relays' emulated RTTs.
   */
  static final VivaldiConfig CONFIG = VivaldiConfig.robust();

  /** Milliseconds per unit of a coordinate's vector, height and adjustment. */
  static final double UNIT_MILLIS = measureUnitMillis();

  private CoordinateMath() {}

  static VivaldiClient newClient(RandomGenerator random) {
    return new VivaldiClient(CONFIG, random, InstantSource.system());
  }

  static Coordinate origin() {
    return Coordinate.origin(CONFIG);
  }

  /** The RTT between two coordinates predicted by Vivaldi, ms. */
  static double estimateRttMillis(Coordinate a, Coordinate b) {
    return a.distanceTo(b).toNanos() / 1e6;
  }

  /** The vector of {@code c} in ms. */
  static double[] vectorMillis(Coordinate c) {
    double[] v = c.vector();
    for (int k = 0; k < v.length; k++) {
      v[k] *= UNIT_MILLIS;
    }
    return v;
  }

  private static double measureUnitMillis() {
    int d = origin().dimensions();
    double[] unit = new double[d];
    unit[0] = 1.0;
    Coordinate one = new Coordinate(unit, 0, 0, 0);
    Coordinate zero = new Coordinate(new double[d], 0, 0, 0);
    return one.distanceTo(zero).toNanos() / 1e6;
  }
}
