package io.brume.router;

import java.util.random.RandomGenerator;

/**
 * {@code proximity-alpha}: one knob α ∈ [0, 1] from uniform to closest-only. With m ready endpoints
 * and j* the nearest by estimated RTT:
 *
 * <pre>w_j = (1 − α)/m + α·[j = j*]</pre>
 *
 * so α = 0 is kube-proxy's uniform split, α = 1 is {@link NearestPolicy}, and the nearest
 * endpoint's share grows linearly, (1 − α)/m + α, in between. The share every other endpoint keeps,
 * (1 − α)/m, is what spreads load.
 */
public final class ProximityAlphaPolicy implements RoutingPolicy {

  private final double alpha;

  /**
   * @throws IllegalArgumentException if α is outside [0, 1] or NaN
   */
  public ProximityAlphaPolicy(double alpha) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
    }
    this.alpha = alpha;
  }

  /** The knob α. */
  public double alpha() {
    return alpha;
  }

  @Override
  public String name() {
    return "proximity-alpha";
  }

  @Override
  public ServiceReplica choose(LocalView view, RandomGenerator random) {
    return Sampling.draw(view, weights(view), random);
  }

  @Override
  public EndpointWeights weights(LocalView view) {
    int m = view.size();
    double[] raw = new double[m];
    for (int j = 0; j < m; j++) {
      raw[j] = (1 - alpha) / m + (j == 0 ? alpha : 0);
    }
    return EndpointWeights.normalised(view, raw);
  }
}
