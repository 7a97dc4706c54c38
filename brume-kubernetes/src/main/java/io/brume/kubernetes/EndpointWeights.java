package io.brume.kubernetes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Per-node endpoint weights for the kernel data plane; pure and deterministic.
 *
 * <p>Estimated RTTs come from Vivaldi coordinates: an endpoint on this node counts as 0 ms, one on
 * a node without a coordinate as the largest known estimate (reachable but not preferred). RTTs are
 * floored at {@link #RTT_FLOOR_MILLIS} in ratios. If this node has no coordinate yet, or no
 * endpoint's RTT can be estimated, traffic is spread evenly (what kube-proxy would do).
 *
 * <ul>
 *   <li>{@code nearest}: weight 1 split among the endpoints at the smallest RTT.
 *   <li>{@code n-nearest-by-load}: the n closest, {@code w ∝ max(0.05, 1 − load)} of their node
 *       (unknown load counts as idle).
 *   <li>{@code proximity-alpha}: the n closest, {@code w ∝ (r_min / r_i)^(α/(1−α))}; α = 0 is
 *       uniform, α = 1 closest only.
 * </ul>
 */
public final class EndpointWeights {
  /** RTTs below this are treated as this in ratios (same-node endpoints would otherwise be ∞×). */
  public static final double RTT_FLOOR_MILLIS = 1.0;

  private static final double MIN_SPARE_CAPACITY = 0.05;

  private EndpointWeights() {}

  private record Candidate(ReadyEndpoint endpoint, double rttMillis, double load) {}

  /**
   * Weights of {@code endpoints} as seen from {@code local}; sorted by address, summing to 1 (empty
   * if there are no endpoints).
   */
  public static List<WeightedEndpoint> compute(
      RoutingSpec spec,
      PeerNode local,
      List<ReadyEndpoint> endpoints,
      Map<String, PeerNode> peers) {
    if (endpoints.isEmpty()) {
      return List.of();
    }
    List<Candidate> candidates = candidates(local, endpoints, peers);
    if (candidates == null) {
      return normalise(endpoints.stream().map(e -> new Candidate(e, 0, Double.NaN)).toList(), 1.0);
    }
    candidates.sort(
        Comparator.comparingDouble(Candidate::rttMillis)
            .thenComparing(c -> c.endpoint().address()));
    return switch (spec.policy()) {
      case NEAREST -> nearest(candidates);
      case N_NEAREST_BY_LOAD ->
          byLoad(candidates.subList(0, Math.min(spec.n(), candidates.size())));
      case PROXIMITY_ALPHA ->
          spec.alpha() >= 1.0
              ? nearest(candidates)
              : byProximity(
                  candidates.subList(0, Math.min(spec.n(), candidates.size())),
                  spec.alpha() / (1.0 - spec.alpha()));
    };
  }

  /** Null when no RTT can be estimated. */
  private static List<Candidate> candidates(
      PeerNode local, List<ReadyEndpoint> endpoints, Map<String, PeerNode> peers) {
    if (local.coordinate().isEmpty()) {
      return null;
    }
    double[] rtts = new double[endpoints.size()];
    double maxKnown = Double.NaN;
    for (int i = 0; i < endpoints.size(); i++) {
      String node = endpoints.get(i).nodeName();
      PeerNode peer = node == null ? null : peers.get(node);
      rtts[i] =
          local.name().equals(node)
              ? 0.0
              : peer == null ? Double.NaN : local.estimateRttMillis(peer);
      if (!Double.isNaN(rtts[i]) && !(rtts[i] <= maxKnown)) {
        maxKnown = rtts[i];
      }
    }
    if (Double.isNaN(maxKnown)) {
      return null;
    }
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      ReadyEndpoint endpoint = endpoints.get(i);
      PeerNode peer = endpoint.nodeName() == null ? null : peers.get(endpoint.nodeName());
      candidates.add(
          new Candidate(
              endpoint,
              Double.isNaN(rtts[i]) ? maxKnown : rtts[i],
              peer == null ? Double.NaN : peer.load()));
    }
    return candidates;
  }

  private static List<WeightedEndpoint> nearest(List<Candidate> sorted) {
    double best = sorted.getFirst().rttMillis();
    return normalise(sorted.stream().filter(c -> c.rttMillis() <= best + 1e-9).toList(), 1.0);
  }

  private static List<WeightedEndpoint> byLoad(List<Candidate> closest) {
    List<WeightedEndpoint> raw = new ArrayList<>();
    for (Candidate c : closest) {
      double spare = Double.isNaN(c.load()) ? 1.0 : Math.max(MIN_SPARE_CAPACITY, 1.0 - c.load());
      raw.add(new WeightedEndpoint(c.endpoint().address(), c.endpoint().nodeName(), spare));
    }
    return normaliseWeighted(raw);
  }

  private static List<WeightedEndpoint> byProximity(List<Candidate> closest, double exponent) {
    double best = Math.max(RTT_FLOOR_MILLIS, closest.getFirst().rttMillis());
    List<WeightedEndpoint> raw = new ArrayList<>();
    for (Candidate c : closest) {
      double ratio = best / Math.max(RTT_FLOOR_MILLIS, c.rttMillis());
      raw.add(
          new WeightedEndpoint(
              c.endpoint().address(), c.endpoint().nodeName(), Math.pow(ratio, exponent)));
    }
    return normaliseWeighted(raw);
  }

  private static List<WeightedEndpoint> normalise(List<Candidate> chosen, double each) {
    List<WeightedEndpoint> raw = new ArrayList<>();
    for (Candidate c : chosen) {
      raw.add(new WeightedEndpoint(c.endpoint().address(), c.endpoint().nodeName(), each));
    }
    return normaliseWeighted(raw);
  }

  private static List<WeightedEndpoint> normaliseWeighted(List<WeightedEndpoint> raw) {
    double sum = raw.stream().mapToDouble(WeightedEndpoint::weight).sum();
    return raw.stream()
        .map(w -> new WeightedEndpoint(w.address(), w.nodeName(), w.weight() / sum))
        .sorted(Comparator.comparing(WeightedEndpoint::address))
        .toList();
  }
}
