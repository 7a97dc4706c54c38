package io.brume.testing;

import java.util.SplittableRandom;

/**
 * Test fogs without a data set: nodes in {@value #CLUSTERS} clusters on a plane (node i in cluster
 * i mod {@value #CLUSTERS}), true RTT = 2 × Euclidean distance + 1 ms, and "Vivaldi" estimates =
 * true RTT × e^(σ·N(0,1)), a relative error like Vivaldi's on real data.
 */
public final class SyntheticFogs {
  /** How many clusters the nodes are spread over. */
  public static final int CLUSTERS = 4;

  private SyntheticFogs() {}

  /** {true RTT matrix, estimated RTT matrix} for {@code nodes} nodes; seeded. */
  public static double[][][] trueAndEstimated(int nodes, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] centres = {{0, 0}, {60, 5}, {20, 70}, {90, 80}}; // CLUSTERS of them
    double[][] position = new double[nodes][2];
    for (int i = 0; i < nodes; i++) {
      double[] centre = centres[i % centres.length];
      position[i][0] = centre[0] + 12 * random.nextGaussian();
      position[i][1] = centre[1] + 12 * random.nextGaussian();
    }
    double[][] rtt = new double[nodes][nodes];
    double[][] estimated = new double[nodes][nodes];
    for (int i = 0; i < nodes; i++) {
      for (int j = i + 1; j < nodes; j++) {
        double d = Math.hypot(position[i][0] - position[j][0], position[i][1] - position[j][1]);
        rtt[i][j] = rtt[j][i] = 2 * d + 1;
        estimated[i][j] = estimated[j][i] = rtt[i][j] * Math.exp(sigma * random.nextGaussian());
      }
    }
    return new double[][][] {rtt, estimated};
  }
}
