package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.coordinate.RttDatasets;
import io.brume.coordinate.RttMatrix;
import io.brume.router.placement.PlacementPlanner;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SitePlacementTest {
  private static final RttMatrix AWS = RttDatasets.aws12();

  private static double rtt(String a, String b) {
    return AWS.rttMillis(AWS.names().indexOf(a), AWS.names().indexOf(b));
  }

  @Test
  void pairsGoToCompactSitesSpreadOverTheWorld() {
    SitePlacement placement = SitePlacement.plan(AWS.names(), SitePlacementTest::rtt, 6, 2, 35);

    assertThat(placement.sites())
        .containsExactly(
            List.of("us-east-1", "ca-central-1"),
            List.of("me-central-1", "ap-south-1"),
            List.of("eu-north-1", "eu-central-1"));
    // Widest site 31 ms (me-central-1 to ap-south-1), closest two sites 93 ms apart.
    assertThat(placement.peerSiteRadiusMillis()).isBetween(70.0, 85.0);
    assertThat(placement.hosts()).hasSize(6).doesNotHaveDuplicates();
  }

  @Test
  void oneReplicaPerSiteIsFarthestFirstPlacement() {
    SitePlacement placement = SitePlacement.plan(AWS.names(), SitePlacementTest::rtt, 4, 1, 35);

    List<String> expected =
        Arrays.stream(PlacementPlanner.farthestFirst(AWS.size(), AWS::rttMillis, 4, 0))
            .mapToObj(AWS::name)
            .toList();
    assertThat(placement.hosts()).isEqualTo(expected);
  }

  @Test
  void anOddCountLeavesTheLastSiteSmaller() {
    SitePlacement placement = SitePlacement.plan(AWS.names(), SitePlacementTest::rtt, 3, 2, 35);

    assertThat(placement.sites()).hasSize(2);
    assertThat(placement.sites().get(1)).hasSize(1);
  }

  @Test
  void withoutCompactSitesTheNearestNodesStillPair() {
    SitePlacement placement = SitePlacement.plan(AWS.names(), SitePlacementTest::rtt, 4, 2, 1);

    assertThat(placement.sites()).hasSize(2).allSatisfy(site -> assertThat(site).hasSize(2));
    assertThat(placement.sites().get(0)).containsExactly("us-east-1", "ca-central-1");
  }

  @Test
  void rejectsImpossibleCounts() {
    assertThatThrownBy(() -> SitePlacement.plan(AWS.names(), SitePlacementTest::rtt, 13, 2, 35))
        .hasMessageContaining("replicas must be in 1..12");
    assertThatThrownBy(() -> SitePlacement.plan(AWS.names(), SitePlacementTest::rtt, 2, 0, 35))
        .hasMessageContaining("replicas per site");
  }
}
