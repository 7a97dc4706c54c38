package io.brume.proxy;

import io.brume.router.RoutingPolicies;
import java.time.Clock;
import java.util.function.ToDoubleFunction;

/**
 * {@link EndpointChooser}s backed by brume-router's policies ({@link RoutingPolicies#NAMES}), the
 * same code the simulator and the kernel data plane's weights use.
 */
public final class EndpointChoosers {
  /** Capacity assumed for every endpoint when none is known. */
  public static final double DEFAULT_CAPACITY_RPS = 1000;

  private EndpointChoosers() {}

  /**
   * The named policy with default parameters ({@link RoutingPolicies.Options#defaults}, system
   * clock).
   *
   * @param rttEstimateMillis this node's RTT estimate per endpoint; policies that ignore proximity
   *     ignore it
   * @throws IllegalArgumentException naming the valid names when {@code name} is unknown
   */
  public static EndpointChooser named(String name, ToDoubleFunction<Endpoint> rttEstimateMillis) {
    return named(name, defaultOptions(), rttEstimateMillis);
  }

  /** The named policy with explicit parameters. */
  public static EndpointChooser named(
      String name, RoutingPolicies.Options options, ToDoubleFunction<Endpoint> rttEstimateMillis) {
    return new RoutingPolicyChooser(
        RoutingPolicies.create(name, options), rttEstimateMillis, e -> DEFAULT_CAPACITY_RPS);
  }

  public static RoutingPolicies.Options defaultOptions() {
    return RoutingPolicies.Options.defaults(Clock.systemUTC());
  }

  /** Cycles through the candidates. */
  public static EndpointChooser roundRobin() {
    return named("round-robin", e -> 0);
  }

  /** Uniformly random, like kube-proxy. */
  public static EndpointChooser random() {
    return named("random", e -> 0);
  }

  /** The candidate with the fewest requests in flight. */
  public static EndpointChooser leastOutstanding() {
    return named("least-outstanding", e -> 0);
  }
}
