package io.brume.kubernetes;

import static io.brume.kubernetes.TestObjects.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.brume.router.RoutingPolicies;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class PolicyWeightsTest {
  // This node is "a" at the origin; b is 10 ms away, c 40 ms, d 80 ms.
  private static final PeerNode A = peer("a", at(0, 0), Double.NaN);
  private static final Map<String, PeerNode> PEERS =
      Map.of(
          "a", A,
          "b", peer("b", at(10, 0), Double.NaN),
          "c", peer("c", at(40, 0), Double.NaN),
          "d", peer("d", at(80, 0), Double.NaN));
  private static final List<PodEndpoint> ENDPOINTS =
      List.of(
          new PodEndpoint("10.0.0.4", "d"),
          new PodEndpoint("10.0.0.2", "b"),
          new PodEndpoint("10.0.0.3", "c"));

  static final List<String> ALL_POLICIES = RoutingPolicies.NAMES;

  private static PeerNode peer(String name, NodeCoordinate coordinate, double load) {
    return new PeerNode(name, Optional.ofNullable(coordinate), true, load, Map.of());
  }

  private static Map<String, Double> weights(
      String policy, PeerNode local, List<PodEndpoint> endpoints, Map<String, PeerNode> peers) {
    List<WeightedPod> weights =
        PolicyWeights.compute(
            new RoutingSpec(policy, 0.8, 2), local, endpoints, peers, InstantSource.system());
    assertThat(weights).extracting(WeightedPod::address).isSorted();
    return weights.stream().collect(Collectors.toMap(WeightedPod::address, WeightedPod::weight));
  }

  @ParameterizedTest
  @FieldSource("ALL_POLICIES")
  void everyRouterPolicyGivesWeightsOverTheReadyEndpointsSummingToOne(String policy) {
    Map<String, Double> w = weights(policy, A, ENDPOINTS, PEERS);

    assertThat(w).containsOnlyKeys("10.0.0.2", "10.0.0.3", "10.0.0.4");
    assertThat(w.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1, within(1e-9));
    // No policy prefers a farther endpoint over the nearest one.
    assertThat(w.get("10.0.0.2")).isGreaterThanOrEqualTo(w.get("10.0.0.3"));
    assertThat(w.get("10.0.0.2")).isGreaterThanOrEqualTo(w.get("10.0.0.4"));
  }

  @Test
  void proximityPoliciesGiveTheNearestEndpointTheMostTraffic() {
    assertThat(weights("nearest", A, ENDPOINTS, PEERS))
        .containsEntry("10.0.0.2", 1.0)
        .containsEntry("10.0.0.3", 0.0)
        .containsEntry("10.0.0.4", 0.0);
    Map<String, Double> alpha = weights("proximity-alpha", A, ENDPOINTS, PEERS);
    assertThat(alpha.get("10.0.0.2")).isCloseTo(0.2 / 3 + 0.8, within(1e-9));
    Map<String, Double> byLoad = weights("n-nearest-by-load", A, ENDPOINTS, PEERS);
    assertThat(byLoad)
        .containsEntry("10.0.0.2", 0.5)
        .containsEntry("10.0.0.3", 0.5)
        .containsEntry("10.0.0.4", 0.0);
    Map<String, Double> adaptive = weights("adaptive", A, ENDPOINTS, PEERS);
    assertThat(adaptive.get("10.0.0.2")).isGreaterThan(0.99);
  }

  @Test
  void anEndpointOnThisNodeIsTheNearest() {
    List<PodEndpoint> withLocal =
        List.of(new PodEndpoint("10.0.0.2", "b"), new PodEndpoint("10.0.9.9", "a"));

    assertThat(weights("nearest", A, withLocal, PEERS)).containsEntry("10.0.9.9", 1.0);
  }

  @Test
  void nNearestByLoadShiftsTrafficAwayFromALoadedNode() {
    Map<String, PeerNode> loaded = new java.util.HashMap<>(PEERS);
    loaded.put("b", peer("b", at(10, 0), 0.9));
    loaded.put("c", peer("c", at(40, 0), 0.0));

    Map<String, Double> w = weights("n-nearest-by-load", A, ENDPOINTS, loaded);

    // Spare capacity 0.1 against 1.0.
    assertThat(w.get("10.0.0.2")).isCloseTo(0.1 / 1.1, within(1e-9));
    assertThat(w.get("10.0.0.3")).isCloseTo(1.0 / 1.1, within(1e-9));
  }

  @Test
  void anEndpointOnANodeWithoutCoordinateRanksBehindEveryPlacedOne() {
    Map<String, PeerNode> dUnknown = new java.util.HashMap<>(PEERS);
    dUnknown.put("d", peer("d", null, Double.NaN));
    List<PodEndpoint> endpoints =
        List.of(new PodEndpoint("10.0.0.1", "d"), new PodEndpoint("10.0.0.3", "c"));

    // The unplaced endpoint has the smaller address, so it would win a tie.
    assertThat(weights("nearest", A, endpoints, dUnknown)).containsEntry("10.0.0.3", 1.0);
    assertThat(weights("nearest", A, List.of(new PodEndpoint("10.0.0.1", null)), dUnknown))
        .containsEntry("10.0.0.1", 1.0);
  }

  @ParameterizedTest
  @FieldSource("ALL_POLICIES")
  void withoutAnyEstimateTrafficIsSpreadEvenly(String policy) {
    PeerNode unplaced = peer("a", null, Double.NaN);

    assertThat(weights(policy, unplaced, ENDPOINTS, PEERS).values())
        .allSatisfy(w -> assertThat(w).isCloseTo(1.0 / 3, within(1e-9)));
  }

  @Test
  void noEndpointsNoWeights() {
    assertThat(weights("nearest", A, List.of(), PEERS)).isEmpty();
  }
}
