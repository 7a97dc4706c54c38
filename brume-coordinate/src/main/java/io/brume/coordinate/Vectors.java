package io.brume.coordinate;

import java.util.random.RandomGenerator;

/** Small vector helpers on {@code double[]}; package-private. */
final class Vectors {
  private Vectors() {}

  static double magnitude(double[] v) {
    double sum = 0.0;
    for (double x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }

  static double distance(double[] a, double[] b) {
    double sum = 0.0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /**
   * Writes the unit vector from {@code b} toward {@code a} into {@code out} and returns ‖a − b‖.
   * When a and b are (nearly) at the same place, writes a random unit vector so co-located nodes
   * separate ([1] §3.3), and returns 0.
   */
  static double unitVectorAt(double[] a, double[] b, double[] out, RandomGenerator random) {
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - b[i];
    }
    double mag = magnitude(out);
    if (mag > VivaldiConfig.ZERO_MILLIS) {
      for (int i = 0; i < out.length; i++) {
        out[i] /= mag;
      }
      return mag;
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      for (int i = 0; i < out.length; i++) {
        out[i] = random.nextDouble() - 0.5;
      }
      double m = magnitude(out);
      if (m > VivaldiConfig.ZERO_MILLIS) {
        for (int i = 0; i < out.length; i++) {
          out[i] /= m;
        }
        return 0.0;
      }
    }
    // The random source kept returning the same point; any fixed axis still separates the nodes.
    java.util.Arrays.fill(out, 0.0);
    out[0] = 1.0;
    return 0.0;
  }
}
