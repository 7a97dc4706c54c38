package io.brume.coordinate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The two schedules of {@link VivaldiSimulation}: index order, and concurrent rounds. */
class VivaldiSimulationTest {

  private static double median(RttMatrix matrix, Coordinate[] coords) {
    return VivaldiEvaluation.percentile(VivaldiEvaluation.relativeErrors(matrix, coords), 0.5);
  }

  @Test
  void concurrentRoundsAreAsAccurateAsIndexOrderAndDoNotDependOnTheThreads() throws Exception {
    RttMatrix matrix = RttDatasets.load("planetlab490");
    VivaldiConfig config = VivaldiConfig.robust();
    Coordinate[] sequential = VivaldiSimulation.converge(matrix, config, 150, 3);
    Coordinate[] oneThread = VivaldiSimulation.convergeConcurrently(matrix, config, 150, 3, 1);
    Coordinate[] threeThreads = VivaldiSimulation.convergeConcurrently(matrix, config, 150, 3, 3);

    assertThat(threeThreads).containsExactly(oneThread);
    double indexOrder = median(matrix, sequential);
    double concurrent = median(matrix, oneThread);
    assertThat(indexOrder).isLessThan(0.12);
    assertThat(concurrent).isBetween(indexOrder * 0.9, indexOrder * 1.1);
  }
}
