package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FogTest {

  @Test
  void balancedPlacementSpreadsReplicasOverTheClusters() {
    SimulationConfig config = SyntheticFogs.small();
    Fog fog = SyntheticFogs.fog(config, 0);

    Set<Integer> clusters = new HashSet<>();
    for (int r = 0; r < fog.replicas(); r++) {
      clusters.add(fog.replicaNode(r) % 4); // SyntheticFogs puts node i in cluster i mod 4
    }

    assertThat(clusters).hasSize(4);
  }

  @Test
  void demandAddsUpToTheOfferedLoadAndTheHotSpotGetsItsShare() {
    SimulationConfig config = SyntheticFogs.small().withDemand(0.5, 0.6);
    Fog fog = SyntheticFogs.fog(config, 0.25);

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
