package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NearestByLoadPolicyTest {

  private final LocalView view = Views.rtts(40, 10, 20, 80);

  @Test
  void withoutReportsSplitsEvenlyOverTheNNearest() {
    EndpointWeights weights = new NearestByLoadPolicy(2).weights(view);

    assertThat(weights.asMap())
        .containsExactly(
            Map.entry("e1", 0.5), Map.entry("e2", 0.5), Map.entry("e0", 0.0), Map.entry("e3", 0.0));
  }

  @Test
  void weightsFollowSpareCapacity() {
    NearestByLoadPolicy policy = new NearestByLoadPolicy(3);
    policy.loadReported("e1", 0.8); // spare 0.2
    policy.loadReported("e2", 0.4); // spare 0.6
    policy.loadReported("e0", 1.5); // saturated: floor ε

    EndpointWeights weights = policy.weights(view);

    double sum = 0.2 + 0.6 + NearestByLoadPolicy.MIN_HEADROOM;
    assertThat(weights.weight("e1")).isCloseTo(0.2 / sum, within(1e-12));
    assertThat(weights.weight("e2")).isCloseTo(0.6 / sum, within(1e-12));
    assertThat(weights.weight("e3")).isZero();
    Map<String, Integer> counts = Views.histogram(policy, view, new SplittableRandom(5), 40_000);
    assertThat(counts.get("e2") / 40_000.0).isCloseTo(0.6 / sum, within(0.01));
  }

  @Test
  void capacityScalesTheShare() {
    Map<ServiceReplica, Double> map = new LinkedHashMap<>();
    map.put(ServiceReplica.ready("small", 100), 10.0);
    map.put(ServiceReplica.ready("big", 300), 20.0);

    EndpointWeights weights = new NearestByLoadPolicy(2).weights(LocalView.ofEstimates(map));

    assertThat(weights.weight("big")).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void nLargerThanTheViewUsesAll() {
    assertThat(new NearestByLoadPolicy(10).weights(view).asMap().values()).containsOnly(0.25);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> new NearestByLoadPolicy(0))
        .hasMessage("n (number of nearest endpoints) must be >= 1, got 0");
    NearestByLoadPolicy policy = new NearestByLoadPolicy(1);
    assertThatThrownBy(() -> policy.loadReported("e1", Double.NaN))
        .hasMessage("load report of e1 must be finite and >= 0, got NaN");
  }
}
