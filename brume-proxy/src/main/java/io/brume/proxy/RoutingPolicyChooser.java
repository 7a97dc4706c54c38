package io.brume.proxy;

import io.brume.router.LocalView;
import io.brume.router.RoutingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToDoubleFunction;

/**
 * Runs a brume-router {@link RoutingPolicy} as the proxy's per-request decision: builds the
 * policy's {@link LocalView} from the endpoints the proxy offers (ready, not yet tried) with this
 * node's RTT estimates, and feeds the policy the proxy's observations.
 *
 * <p>Feedback: the latency reported is the time to the response head. A failed request reports at
 * least {@link #FAILURE_PENALTY} so that latency-learning policies move away from a failing replica
 * (a refused connection fails fast and would otherwise look like the best replica).
 */
public final class RoutingPolicyChooser implements EndpointChooser {
  static final Duration FAILURE_PENALTY = Duration.ofSeconds(1);

  private final RoutingPolicy policy;
  private final ToDoubleFunction<Endpoint> rttEstimateMillis;
  private final ToDoubleFunction<Endpoint> capacityRps;

  /**
   * @param policy one node's policy instance (it keeps per-node state)
   * @param rttEstimateMillis this node's estimated RTT to each endpoint, e.g. from Vivaldi
   * @param capacityRps requests per second each endpoint can serve
   */
  public RoutingPolicyChooser(
      RoutingPolicy policy,
      ToDoubleFunction<Endpoint> rttEstimateMillis,
      ToDoubleFunction<Endpoint> capacityRps) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.rttEstimateMillis = Objects.requireNonNull(rttEstimateMillis, "rttEstimateMillis");
    this.capacityRps = Objects.requireNonNull(capacityRps, "capacityRps");
  }

  public RoutingPolicy policy() {
    return policy;
  }

  @Override
  public Endpoint choose(List<Endpoint> candidates) {
    List<io.brume.router.Endpoint> routerEndpoints = new ArrayList<>(candidates.size());
    for (Endpoint candidate : candidates) {
      routerEndpoints.add(
          io.brume.router.Endpoint.ready(candidate.name(), capacityRps.applyAsDouble(candidate)));
    }
    LocalView view =
        LocalView.of(
            routerEndpoints,
            routerEndpoint -> rttEstimateMillis.applyAsDouble(byName(candidates, routerEndpoint)));
    // ThreadLocalRandom.current() is one shared instance whose state lives in each thread, so it is
    // safe to hand to a policy called from many virtual threads at once.
    String chosen = policy.choose(view, ThreadLocalRandom.current()).id();
    return byName(candidates, chosen);
  }

  @Override
  public void requestStarted(Endpoint endpoint) {
    policy.requestStarted(endpoint.name());
  }

  @Override
  public void requestFinished(Endpoint endpoint, Duration latency, boolean success) {
    Duration reported =
        success || latency.compareTo(FAILURE_PENALTY) > 0 ? latency : FAILURE_PENALTY;
    policy.requestFinished(endpoint.name(), reported.toNanos() / 1e6);
  }

  private static Endpoint byName(List<Endpoint> candidates, io.brume.router.Endpoint endpoint) {
    return byName(candidates, endpoint.id());
  }

  private static Endpoint byName(List<Endpoint> candidates, String name) {
    for (Endpoint candidate : candidates) {
      if (candidate.name().equals(name)) {
        return candidate;
      }
    }
    throw new IllegalStateException("policy chose unknown endpoint " + name);
  }
}
