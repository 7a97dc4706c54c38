package io.brume.router;

import java.util.SplittableRandom;

/**
 * Test fogs without a data set: nodes in a few clusters on a plane, true RTT = 2 × Euclidean
 * distance + 1 ms, and "Vivaldi" estimates = true RTT × e^(σ·N(0,1)), a relative error like
 * Vivaldi's on real data.
 */
final class SyntheticFogs {

  private SyntheticFogs() {}

  static double[][][] trueAndEstimated(int nodes, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] centres = {{0, 0}, {60, 5}, {20, 70}, {90, 80}};
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

  static Fog fog(SimulationConfig config, double sigma) {
    double[][][] matrices = trueAndEstimated(config.nodes(), sigma, config.seed());
    return Fog.build(matrices[0], matrices[1], config);
  }

  /**
   * A small, fast setting: 24 nodes, 4 replicas, 2 workers of 5 ms (400 rps each), 25 s with 5 s
   * warm-up.
   */
  static SimulationConfig small() {
    SimulationConfig d = SimulationConfig.defaults();
    return new SimulationConfig(
        24,
        4,
        SimulationConfig.Placement.BALANCED,
        0.5,
        0,
        0.8,
        2,
        5,
        2,
        25,
        5,
        250,
        100,
        3,
        d.adaptive());
  }
}
