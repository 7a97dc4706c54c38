package io.brume.testing;

import java.util.SplittableRandom;

/**
 * Synthetic RTT matrices (milliseconds, N × N, 0 on the diagonal) in the spirit of Serf's {@code
 * phantom.go}, for tests of coordinates and of what is built on them.
 */
public final class Topologies {
  private Topologies() {}

  /** {@code nodes} on a line, {@code spacing} ms apart. */
  public static double[][] line(int nodes, double spacing) {
    double[][] m = new double[nodes][nodes];
    for (int i = 0; i < nodes; i++) {
      for (int j = 0; j < nodes; j++) {
        m[i][j] = Math.abs(i - j) * spacing;
      }
    }
    return m;
  }

  /** {@code side} × {@code side} nodes on a square grid, {@code spacing} ms apart (Euclidean). */
  public static double[][] grid(int side, double spacing) {
    int n = side * side;
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dx = (i % side - j % side) * spacing;
        double dy = (i / side - j / side) * spacing;
        m[i][j] = Math.hypot(dx, dy);
      }
    }
    return m;
  }

  /** Two halves: {@code lan} ms within a half, {@code wan} ms across. */
  public static double[][] split(int nodes, double lan, double wan) {
    double[][] m = new double[nodes][nodes];
    int half = nodes / 2;
    for (int i = 0; i < nodes; i++) {
      for (int j = 0; j < nodes; j++) {
        if (i != j) {
          m[i][j] = (i < half) == (j < half) ? lan : wan;
        }
      }
    }
    return m;
  }

  /** Symmetric, Gaussian around {@code mean} with {@code deviation}, at least 0.1 ms; seeded. */
  public static double[][] random(int nodes, double mean, double deviation, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] m = new double[nodes][nodes];
    for (int i = 0; i < nodes; i++) {
      for (int j = i + 1; j < nodes; j++) {
        double v = Math.max(0.1, mean + deviation * r.nextGaussian());
        m[i][j] = v;
        m[j][i] = v;
      }
    }
    return m;
  }
}
