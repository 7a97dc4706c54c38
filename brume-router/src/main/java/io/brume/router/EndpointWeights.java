package io.brume.router;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A probability per ready endpoint, summing to 1: what one node's kernel data plane (iptables
 * {@code statistic} rules) needs to spread connections. Iteration order is the view's order,
 * nearest first.
 */
public final class EndpointWeights {

  private static final double SUM_TOLERANCE = 1e-9;

  private final Map<String, Double> weights;

  private EndpointWeights(Map<String, Double> weights) {
    this.weights = weights;
  }

  /**
   * Normalises non-negative raw weights given in the view's order so that they sum to 1.
   *
   * @throws IllegalArgumentException if the lengths differ, a weight is negative or not finite, or
   *     all are zero
   */
  public static EndpointWeights normalised(LocalView view, double[] raw) {
    if (raw.length != view.size()) {
      throw new IllegalArgumentException(
          "expected " + view.size() + " weights, one per ready endpoint, got " + raw.length);
    }
    double sum = 0;
    for (int i = 0; i < raw.length; i++) {
      if (!(raw[i] >= 0) || !Double.isFinite(raw[i])) {
        throw new IllegalArgumentException(
            "weight of " + view.endpoint(i).id() + " must be finite and >= 0, got " + raw[i]);
      }
      sum += raw[i];
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("all weights are zero");
    }
    Map<String, Double> result = new LinkedHashMap<>();
    for (int i = 0; i < raw.length; i++) {
      result.put(view.endpoint(i).id(), raw[i] / sum);
    }
    return new EndpointWeights(Collections.unmodifiableMap(result));
  }

  /**
   * Endpoint id to probability, nearest first; the values sum to 1 within {@value #SUM_TOLERANCE}.
   */
  public Map<String, Double> asMap() {
    return weights;
  }

  /** Probability of the endpoint with this id; 0 if it is not in the view. */
  public double weight(String endpointId) {
    return weights.getOrDefault(endpointId, 0.0);
  }

  /** Draws one endpoint id with these probabilities (inverse transform sampling). */
  public String sample(RandomGenerator random) {
    double u = random.nextDouble();
    String last = null;
    for (Map.Entry<String, Double> entry : weights.entrySet()) {
      last = entry.getKey();
      u -= entry.getValue();
      if (u < 0) {
        return last;
      }
    }
    return last; // rounding left u a hair above 0: the last endpoint takes the remainder
  }

  @Override
  public String toString() {
    return weights.toString();
  }
}
