package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdaptivePolicyTest {

  private final ManualClock clock = new ManualClock();
  private final AdaptiveConfig config = AdaptiveConfig.defaults();
  private final AdaptivePolicy policy = new AdaptivePolicy(config, clock);
  private final LocalView view = Views.rtts(10, 20, 80);

  @Test
  void withoutFeedbackItIsASoftminOverTheVivaldiPrior() {
    EndpointWeights weights = policy.weights(view);

    double theta = config.temperatureMillis();
    double sum = 1 + Math.exp(-10 / theta) + Math.exp(-70 / theta);
    assertThat(weights.weight("e0")).isCloseTo(1 / sum, within(1e-12));
    assertThat(weights.weight("e1")).isCloseTo(Math.exp(-10 / theta) / sum, within(1e-12));
  }

  @Test
  void observedLatencyOverridesAWrongPrior() {
    // Vivaldi says e0 is 10 ms away; it really answers in 60 ms.
    for (int i = 0; i < 10; i++) {
      policy.requestStarted("e0");
      clock.advance(Duration.ofMillis(60));
      policy.requestFinished("e0", 60);
    }

    double confidence = 1 - Math.pow(1 - config.ewmaWeight(), 10);
    assertThat(policy.estimateMillis("e0", 10))
        .isCloseTo((1 - confidence) * 10 + confidence * 60, within(0.5));
    assertThat(policy.choose(view, new SplittableRandom(1)).id()).isEqualTo("e1");
  }

  @Test
  void unusedEndpointsSlideBackToThePrior() {
    policy.requestStarted("e0");
    policy.requestFinished("e0", 100);
    double fresh = policy.estimateMillis("e0", 10);

    clock.advance(config.observationMemory());
    double aged = policy.estimateMillis("e0", 10);
    clock.advance(config.observationMemory().multipliedBy(20));

    assertThat(fresh).isCloseTo(0.7 * 10 + 0.3 * 100, within(1e-9));
    assertThat(aged).isCloseTo(10 + (fresh - 10) * Math.exp(-1), within(1e-9));
    assertThat(policy.estimateMillis("e0", 10)).isCloseTo(10, within(1e-6));
  }

  @Test
  void priceRisesWhileOverTargetAndPushesTrafficAway() {
    // Mean utilisation 0.5, so the target is min(0.9, 1.2 · 0.5) = 0.6; e0 at 0.9 is 50 % over it.
    for (int report = 0; report < 3; report++) {
      policy.loadReported("e1", 0.3);
      policy.loadReported("e2", 0.3);
      policy.loadReported("e0", 0.9);
    }

    double target = 1.2 * 0.5;
    assertThat(policy.priceMillis("e0"))
        .isCloseTo(3 * config.priceStepMillis() * (0.9 - target) / target, within(1e-9));
    assertThat(policy.priceMillis("e1")).isZero();
    // price 30 ms > the 10 ms head start of e0: e1 now wins.
    assertThat(policy.weights(view).weight("e1")).isGreaterThan(0.99);
  }

  @Test
  void priceFallsBackWhenTheLoadGoes() {
    policy.loadReported("e1", 0.1);
    policy.loadReported("e0", 0.9);
    double high = policy.priceMillis("e0");

    for (int i = 0; i < 10; i++) {
      policy.loadReported("e0", 0.1);
    }

    assertThat(high).isPositive();
    assertThat(policy.priceMillis("e0")).isZero();
  }

  @Test
  void overloadGuardExcludesSaturatedEndpointsUnlessAllAre() {
    policy.loadReported("e0", 1.0);

    assertThat(policy.weights(view).weight("e0")).isZero();

    policy.loadReported("e1", 1.2);
    policy.loadReported("e2", 1.1);
    assertThat(policy.weights(view).asMap().values()).anySatisfy(w -> assertThat(w).isPositive());
  }

  @Test
  void inFlightRequestsAddAPenalty() {
    LocalView tie = Views.rtts(10, 10);
    for (int i = 0; i < 3; i++) {
      policy.requestStarted("e0");
    }

    double penalty = 3 * config.outstandingPenaltyMillis();
    double expected = Math.exp(-penalty / config.temperatureMillis());
    assertThat(policy.weights(tie).weight("e0"))
        .isCloseTo(expected / (1 + expected), within(1e-12));
  }

  @Test
  void sameSeedAndFeedbackSameDecisions() {
    AdaptivePolicy other = new AdaptivePolicy(config, clock);
    LocalView close = Views.rtts(10, 11, 12);
    SplittableRandom a = new SplittableRandom(7);
    SplittableRandom b = new SplittableRandom(7);

    for (int i = 0; i < 200; i++) {
      assertThat(policy.choose(close, a)).isEqualTo(other.choose(close, b));
    }
  }

  @Test
  void configRejectsOutOfRangeKnobs() {
    assertThatThrownBy(() -> AdaptiveConfig.defaults().withBalanceFactor(0.9))
        .hasMessage("adaptive policy: balanceFactor must be finite and >= 1, got 0.9");
    assertThatThrownBy(() -> new AdaptiveConfig(0, Duration.ofSeconds(1), 1, 1, 1.2, 0.9, 1, 10))
        .hasMessageContaining("ewmaWeight must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> policy.requestFinished("e0", 1))
        .isInstanceOf(IllegalStateException.class);
  }
}
