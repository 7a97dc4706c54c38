package io.brume.router;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * {@code least-outstanding}: the endpoint with the fewest of this node's in-flight requests o_j,
 * ties broken uniformly at random. Weights: 1/|A| on each endpoint of A = argmin_j o_j, 0
 * elsewhere.
 */
public final class LeastOutstandingPolicy implements RoutingPolicy {

  private final OutstandingRequests outstanding = new OutstandingRequests();
  // The last view routed on and its endpoints' counters by rank (one map lookup per endpoint per
  // view instead of per request); replaced whole, so readers on other threads see a matching pair.
  private volatile Counters cached;

  private record Counters(LocalView view, AtomicInteger[] byRank) {}

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
    Counters counters = cached;
    if (counters == null || counters.view() != view) {
      AtomicInteger[] byRank = new AtomicInteger[view.size()];
      for (int i = 0; i < byRank.length; i++) {
        byRank[i] = outstanding.counter(view.endpoint(i).id());
      }
      counters = new Counters(view, byRank);
      cached = counters;
    }
    int[] counts = new int[view.size()];
    int min = Integer.MAX_VALUE;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = counters.byRank()[i].get();
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
