package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.InstantSource;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingPoliciesTest {

  private final RoutingPolicies.Options options =
      new RoutingPolicies.Options(0.5, 2, AdaptiveConfig.defaults(), InstantSource.system());

  @Test
  void everyNameCreatesItsPolicyAndWeightsSumToOne() {
    LocalView view = Views.rtts(30, 5, 12, 70);
    for (String name : RoutingPolicies.NAMES) {
      RoutingPolicy policy = RoutingPolicies.create(name, options);

      assertThat(policy.name()).isEqualTo(name);
      assertThat(
              policy.weights(view).asMap().values().stream().mapToDouble(Double::doubleValue).sum())
          .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(view.endpoints()).contains(policy.choose(view, new SplittableRandom(1)));
    }
  }

  @Test
  void unknownNamesAndBadParametersAreRejected() {
    assertThatThrownBy(() -> RoutingPolicies.create("closest", options))
        .hasMessageStartingWith("unknown routing policy 'closest', expected one of [random,");
    RoutingPolicies.Options badN =
        new RoutingPolicies.Options(0.5, 0, AdaptiveConfig.defaults(), InstantSource.system());
    assertThatThrownBy(() -> RoutingPolicies.create("n-nearest-by-load", badN))
        .hasMessageContaining("must be >= 1, got 0");
    RoutingPolicies.Options badAlpha =
        new RoutingPolicies.Options(2, 1, AdaptiveConfig.defaults(), InstantSource.system());
    assertThatThrownBy(() -> RoutingPolicies.create("proximity-alpha", badAlpha))
        .hasMessage("alpha must be in [0, 1], got 2.0");
  }
}
