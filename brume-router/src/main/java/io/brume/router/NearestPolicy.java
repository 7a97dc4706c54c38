package io.brume.router;

import java.util.random.RandomGenerator;

/**
 * {@code nearest}: always the endpoint with the smallest estimated RTT (ties: smallest id). Weight
 * 1 on it, 0 elsewhere. With Vivaldi estimates this is the seed's first proposal.
 */
public final class NearestPolicy implements RoutingPolicy {

  @Override
  public String name() {
    return "nearest";
  }

  @Override
  public ServiceReplica choose(LocalView view, RandomGenerator random) {
    return view.endpoint(0);
  }

  @Override
  public EndpointWeights weights(LocalView view) {
    double[] raw = new double[view.size()];
    raw[0] = 1;
    return EndpointWeights.normalised(view, raw);
  }
}
