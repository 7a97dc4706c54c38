package io.brume.router;

import java.util.random.RandomGenerator;

/**
 * {@code least-outstanding}: the endpoint with the fewest of this node's in-flight requests o_j,
 * ties broken uniformly at random. Weights: 1/|A| on each endpoint of A = argmin_j o_j, 0
 * elsewhere.
 */
public final class LeastOutstandingPolicy implements RoutingPolicy {

  private final OutstandingRequests outstanding = new OutstandingRequests();

  @Override
  public String name() {
    return "least-outstanding";
  }

  @Override
  public ServiceReplica choose(LocalView view, RandomGenerator random) {
    return Sampling.draw(view, weights(view), random);
  }

  @Override
  public EndpointWeights weights(LocalView view) {
    int[] counts = new int[view.size()];
    int min = Integer.MAX_VALUE;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = outstanding.of(view.endpoint(i).id());
      min = Math.min(min, counts[i]);
    }
    double[] raw = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      raw[i] = counts[i] == min ? 1 : 0;
    }
    return EndpointWeights.normalised(view, raw);
  }

  @Override
  public void requestStarted(String endpointId) {
    outstanding.started(endpointId);
  }

  @Override
  public void requestFinished(String endpointId, double latencyMillis) {
    Feedback.checkLatency(endpointId, latencyMillis);
    outstanding.finished(endpointId);
  }
}
