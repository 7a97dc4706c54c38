package io.brume.router;

import java.time.Duration;
import java.util.Objects;

/**
 * Knobs of {@link AdaptivePolicy}; the formulas they enter are documented there.
 *
 * @param ewmaWeight β ∈ (0, 1], weight of a new latency observation in the EWMA. Default 0.3: about
 *     three requests move the estimate most of the way, so a replica's queue shows up quickly.
 * @param observationMemory τ &gt; 0, how fast the confidence in observed latencies fades back to
 *     the Vivaldi prior when an endpoint stops being used (e-folding time). Default 30 s: a replica
 *     avoided during a hot spot is retried once it has cooled down.
 * @param outstandingPenaltyMillis κ ≥ 0, ms added to an endpoint's score per in-flight request of
 *     this node. Default 2 ms: spreads bursts without overriding proximity.
 * @param temperatureMillis θ &gt; 0, softness of the choice: endpoints whose score is θ ms worse
 *     get e^−1 of the best one's weight. Default 2 ms: near-ties split, far endpoints get nothing;
 *     it also smooths the switch of a node's traffic when a price moves, which keeps the prices
 *     stable.
 * @param balanceFactor c ≥ 1, no endpoint should carry more than c times the mean reported
 *     utilisation (bounded loads, as in Mirrokni et al., SODA 2018, and Envoy's {@code
 *     hash_balance_factor}). Default 1.2.
 * @param headroom h ∈ (0, 1], the utilisation no endpoint should exceed whatever the mean. Default
 *     0.9.
 * @param priceStepMillis η &gt; 0, ms the price of an endpoint moves per load report per unit of
 *     relative excess load. Default 20 ms.
 * @param maxPriceMillis cap of a price, ms. Default 1000 ms.
 */
public record AdaptiveConfig(
    double ewmaWeight,
    Duration observationMemory,
    double outstandingPenaltyMillis,
    double temperatureMillis,
    double balanceFactor,
    double headroom,
    double priceStepMillis,
    double maxPriceMillis) {

  /** Validates every knob; the message names it and its value. */
  public AdaptiveConfig {
    Objects.requireNonNull(observationMemory, "observationMemory");
    check(ewmaWeight > 0 && ewmaWeight <= 1, "ewmaWeight", ewmaWeight, "in (0, 1]");
    check(observationMemory.isPositive(), "observationMemory", observationMemory.toString(), "> 0");
    check(
        outstandingPenaltyMillis >= 0 && Double.isFinite(outstandingPenaltyMillis),
        "outstandingPenaltyMillis",
        outstandingPenaltyMillis,
        "finite and >= 0");
    check(
        temperatureMillis > 0 && Double.isFinite(temperatureMillis),
        "temperatureMillis",
        temperatureMillis,
        "finite and > 0");
    check(
        balanceFactor >= 1 && Double.isFinite(balanceFactor),
        "balanceFactor",
        balanceFactor,
        "finite and >= 1");
    check(headroom > 0 && headroom <= 1, "headroom", headroom, "in (0, 1]");
    check(
        priceStepMillis > 0 && Double.isFinite(priceStepMillis),
        "priceStepMillis",
        priceStepMillis,
        "finite and > 0");
    check(
        maxPriceMillis > 0 && Double.isFinite(maxPriceMillis),
        "maxPriceMillis",
        maxPriceMillis,
        "finite and > 0");
  }

  /** brume's defaults, as documented on each field. */
  public static AdaptiveConfig defaults() {
    return new AdaptiveConfig(0.3, Duration.ofSeconds(30), 2, 2, 1.2, 0.9, 20, 1000);
  }

  /** A copy with another balance factor c. */
  public AdaptiveConfig withBalanceFactor(double factor) {
    return new AdaptiveConfig(
        ewmaWeight,
        observationMemory,
        outstandingPenaltyMillis,
        temperatureMillis,
        factor,
        headroom,
        priceStepMillis,
        maxPriceMillis);
  }

  private static void check(boolean ok, String field, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(
          "adaptive policy: " + field + " must be " + rule + ", got " + value);
    }
  }
}
