package io.brume.router;

import io.brume.testing.SyntheticFogs;

/** Simulation settings and fogs for the router's tests, on {@link SyntheticFogs}. */
final class TestFogs {

  private TestFogs() {}

  static Fog fog(SimulationConfig config, double sigma) {
    double[][][] matrices = SyntheticFogs.trueAndEstimated(config.nodes(), sigma, config.seed());
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
