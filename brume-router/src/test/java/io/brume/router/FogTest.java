package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.brume.router.placement.PlacementPlanner;
import io.brume.testing.SyntheticFogs;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FogTest {

  @Test
  void balancedPlacementSpreadsReplicasOverTheClusters() {
    SimulationConfig config = TestFogs.small();
    Fog fog = TestFogs.fog(config, 0);

    Set<Integer> clusters = new HashSet<>();
    for (int r = 0; r < fog.replicas(); r++) {
      clusters.add(fog.replicaNode(r) % 4); // SyntheticFogs puts node i in cluster i mod 4
    }

    assertThat(clusters).hasSize(4);
  }

  @Test
  void aFogLargerThanTheCandidatePoolIsStillPlacedOverEveryClusterFromRttFunctions() {
    int nodes = PlacementPlanner.MAX_CANDIDATES + 100;
    SimulationConfig config =
        TestFogs.small().withTopology(nodes, 8, SimulationConfig.Placement.BALANCED);
    double[][][] matrices = SyntheticFogs.trueAndEstimated(nodes, 0.1, 5);

    Fog fog = Fog.build(nodes, (i, j) -> matrices[0][i][j], (i, j) -> matrices[1][i][j], config);

    Set<Integer> clusters = new HashSet<>();
    for (int r = 0; r < fog.replicas(); r++) {
      clusters.add(fog.replicaNode(r) % 4);
    }
    assertThat(clusters).hasSize(4);
    assertThat(fog.trueRttMillis(3, 7)).isEqualTo(matrices[0][3][7]);
  }

  @Test
  void aMissingRttNamesTheNodes() {
    SimulationConfig config = TestFogs.small();
    double[][][] matrices = SyntheticFogs.trueAndEstimated(config.nodes(), 0.1, 5);

    assertThatThrownBy(
            () ->
                Fog.build(
                    config.nodes(),
                    (i, j) -> i == 2 ? Double.NaN : matrices[0][i][j],
                    (i, j) -> matrices[1][i][j],
                    config))
        .hasMessageMatching("fog: true RTT between nodes 2 and [0-9]+ is NaN");
  }

  @Test
  void demandAddsUpToTheOfferedLoadAndTheHotSpotGetsItsShare() {
    SimulationConfig config = TestFogs.small().withDemand(0.5, 0.6);
    Fog fog = TestFogs.fog(config, 0.25);

    double total = 0;
    double max = 0;
    for (int node = 0; node < fog.nodes(); node++) {
      total += fog.demandRps(node);
      max = Math.max(max, fog.demandRps(node));
    }
    double hot = 0;
    for (int node = 0; node < fog.nodes(); node++) {
      hot += fog.demandRps(node) == max ? fog.demandRps(node) : 0;
    }

    assertThat(total).isCloseTo(0.5 * config.replicas() * config.capacityRps(), within(1e-6));
    assertThat(hot / total).isCloseTo(0.6, within(1e-9));
  }

  @Test
  void datasetSampleIsSeededSortedAndDistinct() {
    int[] a = FogDatasets.sample(490, 50, 7);

    assertThat(a).isSorted().hasSize(50).isEqualTo(FogDatasets.sample(490, 50, 7));
    assertThat(Arrays.stream(a).distinct().count()).isEqualTo(50);
    assertThat(FogDatasets.sample(490, 50, 8)).isNotEqualTo(a);
  }
}
