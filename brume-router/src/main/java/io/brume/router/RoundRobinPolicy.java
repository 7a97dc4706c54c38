package io.brume.router;

import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * {@code round-robin}: the k-th request (counted by this node, from 0) goes to the endpoint of rank
 * k mod m in the view. Weights are uniform, 1/m, the long-run share of each endpoint.
 */
public final class RoundRobinPolicy implements RoutingPolicy {

  private final AtomicLong next = new AtomicLong();

  @Override
  public String name() {
    return "round-robin";
  }

  @Override
  public ServiceReplica choose(LocalView view, RandomGenerator random) {
    return view.endpoint((int) Math.floorMod(next.getAndIncrement(), (long) view.size()));
  }

  @Override
  public EndpointWeights weights(LocalView view) {
    return EndpointWeights.normalised(view, Sampling.uniform(view.size()));
  }
}
