package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticPoliciesTest {

  private static final int DRAWS = 40_000;
  // 4·σ of a binomial share p = 1/4 over DRAWS draws is about 0.009.
  private static final double SHARE_TOLERANCE = 0.01;

  private final LocalView view = Views.rtts(40, 10, 20, 80);

  @Test
  void randomIsUniform() {
    Map<String, Integer> counts =
        Views.histogram(new RandomPolicy(), view, new SplittableRandom(1), DRAWS);

    counts
        .values()
        .forEach(c -> assertThat(c / (double) DRAWS).isCloseTo(0.25, within(SHARE_TOLERANCE)));
    assertThat(new RandomPolicy().weights(view).asMap().values()).containsOnly(0.25);
  }

  @Test
  void roundRobinCyclesInViewOrder() {
    RoundRobinPolicy policy = new RoundRobinPolicy();
    SplittableRandom random = new SplittableRandom(1);

    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      order.append(policy.choose(view, random).id()).append(' ');
    }

    assertThat(order.toString()).isEqualTo("e1 e2 e0 e3 e1 e2 ");
  }

  @Test
  void nearestTakesTheSmallestEstimate() {
    NearestPolicy policy = new NearestPolicy();

    assertThat(policy.choose(view, new SplittableRandom(1)).id()).isEqualTo("e1");
    assertThat(policy.weights(view).asMap()).containsEntry("e1", 1.0).containsEntry("e0", 0.0);
  }

  @Test
  void alphaZeroIsUniform() {
    ProximityAlphaPolicy policy = new ProximityAlphaPolicy(0);

    assertThat(policy.weights(view).asMap().values()).containsOnly(0.25);
    Map<String, Integer> counts = Views.histogram(policy, view, new SplittableRandom(2), DRAWS);
    counts
        .values()
        .forEach(c -> assertThat(c / (double) DRAWS).isCloseTo(0.25, within(SHARE_TOLERANCE)));
  }

  @Test
  void alphaOneIsClosestOnly() {
    ProximityAlphaPolicy policy = new ProximityAlphaPolicy(1);

    assertThat(policy.weights(view).asMap()).containsEntry("e1", 1.0);
    assertThat(Views.histogram(policy, view, new SplittableRandom(3), 1000))
        .containsEntry("e1", 1000);
  }

  @Test
  void alphaInBetweenMixesLinearly() {
    ProximityAlphaPolicy policy = new ProximityAlphaPolicy(0.6);

    EndpointWeights weights = policy.weights(view);

    assertThat(weights.weight("e1")).isCloseTo(0.4 / 4 + 0.6, within(1e-12));
    assertThat(weights.weight("e3")).isCloseTo(0.1, within(1e-12));
    Map<String, Integer> counts = Views.histogram(policy, view, new SplittableRandom(4), DRAWS);
    assertThat(counts.get("e1") / (double) DRAWS).isCloseTo(0.7, within(SHARE_TOLERANCE));
    assertThat(counts.get("e3") / (double) DRAWS).isCloseTo(0.1, within(SHARE_TOLERANCE));
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.01, 1.01, Double.NaN})
  void alphaOutsideTheUnitIntervalIsRejected(double alpha) {
    assertThatThrownBy(() -> new ProximityAlphaPolicy(alpha))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha must be in [0, 1], got " + alpha);
  }

  @Test
  void sameSeedSameChoices() {
    ProximityAlphaPolicy policy = new ProximityAlphaPolicy(0.3);

    assertThat(Views.histogram(policy, view, new SplittableRandom(9), 500))
        .isEqualTo(Views.histogram(policy, view, new SplittableRandom(9), 500));
  }

  @Test
  void weightsAreNormalisedOverReadyEndpointsOnly() {
    LocalView withDown =
        LocalView.of(
            java.util.List.of(ServiceReplica.ready("up", 1), new ServiceReplica("down", false, 1)),
            e -> 3);

    assertThat(new RandomPolicy().weights(withDown).asMap()).containsExactly(Map.entry("up", 1.0));
  }
}
