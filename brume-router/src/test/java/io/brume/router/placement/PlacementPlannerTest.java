package io.brume.router.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementPlannerTest {
  // Ten nodes on a line, 10 ms apart; demand in two regions at both ends.
  private static final LatencyEstimate LINE = (i, j) -> Math.abs(i - j) * 10.0;
  private static final double[] TWO_REGIONS = {100, 100, 1, 1, 1, 1, 1, 1, 100, 100};

  private final PlacementPlanner planner = new PlacementPlanner(TWO_REGIONS, LINE, 0.9, 15, 0.1);

  @Test
  void plansOneReplicaInEachDemandRegion() {
    int[] plan = planner.plan(2);

    assertThat(plan).hasSize(2);
    assertThat(plan[0]).isBetween(0, 1);
    assertThat(plan[1]).isBetween(8, 9);
    assertThat(planner.cost(plan).percentileMillis()).isEqualTo(10.0);
    assertThat(planner.meetsBound(plan)).isTrue();
  }

  @Test
  void theControllerMovesOneReplicaAtATimeTowardDemandThenStops() {
    int[] current = {4, 5};
    assertThat(planner.meetsBound(current)).isFalse();

    int moves = 0;
    for (Optional<PlacementPlanner.Move> move = planner.nextMove(current);
        move.isPresent();
        move = planner.nextMove(current)) {
      int[] before = current;
      int[] next = PlacementPlanner.apply(before, move.get());
      assertThat(java.util.Arrays.stream(next).filter(n -> !contains(before, n)).count())
          .as("one replica moved")
          .isEqualTo(1);
      assertThat(planner.cost(next)).isLessThan(planner.cost(current));
      current = next;
      moves++;
    }

    assertThat(moves).isBetween(1, 4);
    assertThat(planner.meetsBound(current)).isTrue();
  }

  @Test
  void hysteresisKeepsAnEquallyGoodPlacement() {
    // {0, 9} and the plan {1, 8} both give p90 = 10 ms: no move.
    assertThat(planner.nextMove(new int[] {0, 9})).isEmpty();
  }

  @Test
  void percentileIsDemandWeighted() {
    // One replica at node 0: 200 requests at 0-10 ms, 200 at 80-90 ms, 6 in between.
    PlacementPlanner.Cost cost = planner.cost(new int[] {0});

    assertThat(cost.percentileMillis()).isEqualTo(90.0);
    assertThat(
            new PlacementPlanner(TWO_REGIONS, LINE, 0.4, 15, 0.1)
                .cost(new int[] {0})
                .percentileMillis())
        .isEqualTo(10.0);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new PlacementPlanner(TWO_REGIONS, LINE, 1.5, 15, 0.1))
        .hasMessageContaining("percentile");
    assertThatThrownBy(() -> new PlacementPlanner(new double[] {-1}, LINE, 0.9, 15, 0.1))
        .hasMessageContaining("demand");
    assertThatThrownBy(() -> planner.plan(11)).hasMessageContaining("k must be in 1..10");
  }

  private static boolean contains(int[] a, int n) {
    return java.util.Arrays.stream(a).anyMatch(x -> x == n);
  }

  @Test
  void inSitesWithOneReplicaPerSiteIsFarthestFirst() {
    int[][] sites = PlacementPlanner.inSites(10, LINE, 3, 1, 5);

    assertThat(sites).hasDimensions(3, 1);
    assertThat(new int[] {sites[0][0], sites[1][0], sites[2][0]})
        .containsExactly(PlacementPlanner.farthestFirst(10, LINE, 3, 0));
  }

  @Test
  void inSitesGroupsEachAnchorWithItsNearestUnusedNodesAndPrefersCompactSites() {
    // Two tight clusters (0–2 and 7–9, 1 ms apart inside) and loose nodes between them.
    LatencyEstimate clusters =
        (i, j) -> {
          boolean left = i <= 2 && j <= 2;
          boolean right = i >= 7 && j >= 7;
          return left || right ? Math.abs(i - j) : Math.abs(i - j) * 20.0;
        };

    int[][] sites = PlacementPlanner.inSites(10, clusters, 4, 2, 5);

    assertThat(sites).hasDimensions(2, 2);
    assertThat(sites[0]).containsExactly(0, 1);
    assertThat(sites[1]).containsExactly(9, 8);
    assertThatThrownBy(() -> PlacementPlanner.inSites(10, clusters, 11, 2, 5))
        .hasMessageContaining("replicas must be in 1..10");
    assertThatThrownBy(() -> PlacementPlanner.inSites(10, clusters, 2, 0, 5))
        .hasMessageContaining("per site");
  }

  @Test
  void farthestFirstSpreadsFromTheFirstNodeTiesToTheLowerIndex() {
    assertThat(PlacementPlanner.farthestFirst(10, LINE, 3, 0)).containsExactly(0, 9, 4);
    assertThat(PlacementPlanner.farthestFirst(10, LINE, 1, 5)).containsExactly(5);
  }
}
