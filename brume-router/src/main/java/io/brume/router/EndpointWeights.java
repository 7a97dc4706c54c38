package io.brume.router;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A probability per ready endpoint, summing to 1: what one node's kernel data plane (iptables
 * {@code statistic} rules) needs to spread connections. Iteration order is the view's order,
 * nearest first.
 */
public final class EndpointWeights {

  private static final double SUM_TOLERANCE = 1e-9;

  private final LocalView view;
  private final double[] probabilities; // in the view's order
  private @Nullable Map<String, Double>
      weights; // built on first use: the simulator never asks for it

  private EndpointWeights(LocalView view, double[] probabilities) {
    this.view = view;
    this.probabilities = probabilities;
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
    double[] probabilities = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      probabilities[i] = raw[i] / sum;
    }
    return new EndpointWeights(view, probabilities);
  }

  /**
   * Endpoint id to probability, nearest first; the values sum to 1 within {@value #SUM_TOLERANCE}.
   */
  public synchronized Map<String, Double> asMap() {
    if (weights == null) {
      Map<String, Double> map = new LinkedHashMap<>();
      for (int i = 0; i < probabilities.length; i++) {
        map.put(view.endpoint(i).id(), probabilities[i]);
      }
      weights = Collections.unmodifiableMap(map);
    }
    return weights;
  }

  /** Probability of the endpoint with this id; 0 if it is not in the view. */
  public double weight(String endpointId) {
    int index = view.indexOf(endpointId);
    return index < 0 ? 0 : probabilities[index];
  }

  /** Draws one endpoint id with these probabilities (inverse transform sampling). */
  public String sample(RandomGenerator random) {
    return view.endpoint(sampleIndex(random)).id();
  }

  /** Draws the view rank of one endpoint with these probabilities. */
  int sampleIndex(RandomGenerator random) {
    double u = random.nextDouble();
    for (int i = 0; i < probabilities.length; i++) {
      u -= probabilities[i];
      if (u < 0) {
        return i;
      }
    }
    return probabilities.length - 1; // rounding left u a hair above 0: the last takes the rest
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
