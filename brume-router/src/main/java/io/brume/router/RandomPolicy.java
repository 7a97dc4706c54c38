package io.brume.router;

import java.util.random.RandomGenerator;

/**
 * {@code random}: kube-proxy's behaviour, every ready endpoint with probability 1/m (m ready
 * endpoints).
 */
public final class RandomPolicy implements RoutingPolicy {

  @Override
  public String name() {
    return "random";
  }

  @Override
  public ServiceReplica choose(LocalView view, RandomGenerator random) {
    return view.endpoint(random.nextInt(view.size()));
  }

  @Override
  public EndpointWeights weights(LocalView view) {
    return EndpointWeights.normalised(view, Sampling.uniform(view.size()));
  }
}
