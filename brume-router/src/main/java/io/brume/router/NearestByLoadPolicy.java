package io.brume.router;

import java.util.random.RandomGenerator;

/**
 * {@code n-nearest-by-load}: the seed's proposal, the n endpoints nearest by estimated RTT,
 * weighted by their spare capacity. With u_j the endpoint's latest reported utilisation (0 before
 * any report) and C_j its capacity:
 *
 * <pre>w_j ∝ C_j · max(ε, 1 − u_j)  for the min(n, m) nearest,   w_j = 0 for the others</pre>
 *
 * ε = {@value #MIN_HEADROOM} keeps a saturated endpoint reachable, so that when all n are saturated
 * the split falls back to capacity-proportional instead of failing.
 */
public final class NearestByLoadPolicy implements RoutingPolicy {

  static final double MIN_HEADROOM = 0.01;

  private final int n;
  private final LoadReports loads = new LoadReports();

  /**
   * @throws IllegalArgumentException if n < 1
   */
  public NearestByLoadPolicy(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n (number of nearest endpoints) must be >= 1, got " + n);
    }
    this.n = n;
  }

  /** How many nearest endpoints share the load. */
  public int n() {
    return n;
  }

  @Override
  public String name() {
    return "n-nearest-by-load";
  }

  @Override
  public ServiceReplica choose(LocalView view, RandomGenerator random) {
    return Sampling.draw(view, weights(view), random);
  }

  @Override
  public EndpointWeights weights(LocalView view) {
    double[] raw = new double[view.size()];
    for (int j = 0; j < Math.min(n, raw.length); j++) {
      ServiceReplica endpoint = view.endpoint(j);
      raw[j] = endpoint.capacityRps() * Math.max(MIN_HEADROOM, 1 - loads.of(endpoint.id()));
    }
    return EndpointWeights.normalised(view, raw);
  }

  @Override
  public void loadReported(String endpointId, double utilisation) {
    loads.report(endpointId, utilisation);
  }
}
