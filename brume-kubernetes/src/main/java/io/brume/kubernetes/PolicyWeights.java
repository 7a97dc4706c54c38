package io.brume.kubernetes;

import io.brume.router.AdaptiveConfig;
import io.brume.router.EndpointWeights;
import io.brume.router.LocalView;
import io.brume.router.RoutingPolicies;
import io.brume.router.RoutingPolicy;
import io.brume.router.ServiceReplica;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * This node's weights for a Service's ready endpoints, computed by brume-router's policies so the
 * kernel data plane splits traffic exactly as the simulator and the user-space proxy would.
 *
 * <p>The router's view needs an RTT per endpoint; here it is the Vivaldi estimate from this node to
 * the endpoint's node. An endpoint on this node counts 0 ms. One whose node has no coordinate (or a
 * coordinate of another dimension) counts as the largest known estimate plus {@link
 * #UNKNOWN_PENALTY_MILLIS}: reachable, but ranked behind every endpoint brume can place. If this
 * node has no coordinate yet, or no endpoint can be placed, traffic is spread evenly whatever the
 * policy, as kube-proxy would: a "nearest" without distances would be an arbitrary pick.
 *
 * <p>Load reports ({@code brume.io/load} of the endpoint's node) are fed to a fresh policy instance
 * on every call, so the result depends only on the arguments and reconciling twice gives the same
 * weights. Per-request feedback does not exist in the kernel data plane, so {@code adaptive} works
 * from the Vivaldi prior and load prices only, and {@code least-outstanding} is uniform.
 */
final class PolicyWeights {
  /** How much farther than the farthest known endpoint an unplaceable endpoint counts. */
  static final double UNKNOWN_PENALTY_MILLIS = 1.0;

  /** Kubernetes says nothing about capacity; equal capacities leave the split to RTT and load. */
  private static final double CAPACITY_RPS = 1.0;

  private PolicyWeights() {}

  /**
   * Weights of {@code endpoints} (ready, distinct addresses) as seen from {@code local}; sorted by
   * address, summing to 1; empty if there are no endpoints.
   */
  static List<WeightedPod> compute(
      RoutingSpec spec,
      PeerNode local,
      List<PodEndpoint> endpoints,
      Map<String, PeerNode> peers,
      InstantSource clock) {
    if (endpoints.isEmpty()) {
      return List.of();
    }
    Map<String, Double> rtts = estimates(local, endpoints, peers);
    boolean placeable = rtts != null;
    RoutingPolicy policy =
        RoutingPolicies.create(
            placeable ? spec.policy() : "random",
            new RoutingPolicies.Options(spec.alpha(), spec.n(), AdaptiveConfig.defaults(), clock));
    List<ServiceReplica> viewEndpoints = new ArrayList<>();
    Map<String, PodEndpoint> podOf = new HashMap<>();
    for (PodEndpoint endpoint : endpoints) {
      viewEndpoints.add(ServiceReplica.ready(endpoint.address(), CAPACITY_RPS));
      podOf.put(endpoint.address(), endpoint);
      PeerNode node = endpoint.nodeName() == null ? null : peers.get(endpoint.nodeName());
      if (node != null && Double.isFinite(node.load()) && node.load() >= 0) {
        policy.loadReported(endpoint.address(), node.load());
      }
    }
    LocalView view =
        LocalView.of(
            viewEndpoints, e -> rtts != null ? Objects.requireNonNull(rtts.get(e.id())) : 0.0);
    EndpointWeights weights = policy.weights(view);
    List<WeightedPod> result = new ArrayList<>();
    weights
        .asMap()
        .forEach(
            (address, weight) ->
                result.add(new WeightedPod(Objects.requireNonNull(podOf.get(address)), weight)));
    result.sort(Comparator.comparing(WeightedPod::address));
    return result;
  }

  /** Estimated RTT per endpoint address; null when nothing can be estimated. */
  private static @Nullable Map<String, Double> estimates(
      PeerNode local, List<PodEndpoint> endpoints, Map<String, PeerNode> peers) {
    if (local.coordinate().isEmpty()) {
      return null;
    }
    Map<String, Double> known = new HashMap<>();
    double farthest = Double.NaN;
    for (PodEndpoint endpoint : endpoints) {
      String node = endpoint.nodeName();
      PeerNode peer = node == null ? null : peers.get(node);
      double rtt =
          local.name().equals(node)
              ? 0.0
              : peer == null ? Double.NaN : local.estimateRttMillis(peer);
      if (!Double.isNaN(rtt)) {
        known.put(endpoint.address(), rtt);
        farthest = Double.isNaN(farthest) ? rtt : Math.max(farthest, rtt);
      }
    }
    if (known.isEmpty()) {
      return null;
    }
    Map<String, Double> all = new HashMap<>(known);
    for (PodEndpoint endpoint : endpoints) {
      all.putIfAbsent(endpoint.address(), farthest + UNKNOWN_PENALTY_MILLIS);
    }
    return all;
  }
}
