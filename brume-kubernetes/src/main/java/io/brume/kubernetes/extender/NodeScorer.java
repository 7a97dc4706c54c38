package io.brume.kubernetes.extender;

import io.brume.kubernetes.PeerNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scores candidate nodes for a pod of a Service; pure.
 *
 * <p>Demand latency of a candidate c: {@code L(c) = Σ_n d(n)·rtt(c, n) / Σ_n d(n)} over the nodes n
 * that reported demand d(n) for the Service and have a coordinate (rtt(c, c) = 0). The latency
 * score is 10 for the candidate with the smallest L and 0 for the largest, linear between; the load
 * score is {@code 10·(1 − min(1, load))}. The extender score is {@code round(0.7·latency +
 * 0.3·load)}, 0–10. Anything unknown (no coordinate, no demand reported, no load) scores a neutral
 * 5 on that part, so missing data never pushes a pod away.
 */
public final class NodeScorer {
  /** kube-scheduler's extender score range is 0..10. */
  public static final int MAX_SCORE = 10;

  /** The score given when brume cannot tell. */
  public static final int NEUTRAL_SCORE = 5;

  static final double LATENCY_WEIGHT = 0.7;
  static final double LOAD_WEIGHT = 0.3;

  private NodeScorer() {}

  /** L(candidate) in ms, or NaN if it cannot be estimated. */
  public static double demandLatencyMillis(
      String candidate, Map<String, Long> demandByNode, Map<String, PeerNode> peers) {
    PeerNode from = peers.get(candidate);
    if (from == null || from.coordinate().isEmpty()) {
      return Double.NaN;
    }
    double weighted = 0;
    long total = 0;
    for (Map.Entry<String, Long> demand : demandByNode.entrySet()) {
      if (demand.getValue() <= 0) {
        continue;
      }
      double rtt =
          demand.getKey().equals(candidate)
              ? 0.0
              : peers.containsKey(demand.getKey())
                  ? from.estimateRttMillis(peers.get(demand.getKey()))
                  : Double.NaN;
      if (Double.isNaN(rtt)) {
        continue;
      }
      weighted += demand.getValue() * rtt;
      total += demand.getValue();
    }
    return total == 0 ? Double.NaN : weighted / total;
  }

  /** Requests per node for {@code serviceKey} ({@code namespace/name}) from the peers' reports. */
  public static Map<String, Long> demandFor(String serviceKey, Map<String, PeerNode> peers) {
    Map<String, Long> demand = new LinkedHashMap<>();
    for (PeerNode peer : peers.values()) {
      Long count = peer.demand().get(serviceKey);
      if (count != null && count > 0) {
        demand.put(peer.name(), count);
      }
    }
    return demand;
  }

  /** The 0–10 score of every candidate, in candidate order. */
  public static Map<String, Integer> score(
      List<String> candidates, String serviceKey, Map<String, PeerNode> peers) {
    Map<String, Long> demand = demandFor(serviceKey, peers);
    Map<String, Double> latency = new LinkedHashMap<>();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (String candidate : candidates) {
      double l = demandLatencyMillis(candidate, demand, peers);
      latency.put(candidate, l);
      if (!Double.isNaN(l)) {
        min = Math.min(min, l);
        max = Math.max(max, l);
      }
    }
    Map<String, Integer> scores = new LinkedHashMap<>();
    for (String candidate : candidates) {
      double l = Objects.requireNonNull(latency.get(candidate));
      double latencyScore =
          Double.isNaN(l)
              ? NEUTRAL_SCORE
              : max - min < 1e-9 ? MAX_SCORE : MAX_SCORE * (max - l) / (max - min);
      PeerNode peer = peers.get(candidate);
      double load = peer == null ? Double.NaN : peer.load();
      double loadScore = Double.isNaN(load) ? NEUTRAL_SCORE : MAX_SCORE * (1 - Math.min(1, load));
      long combined = Math.round(LATENCY_WEIGHT * latencyScore + LOAD_WEIGHT * loadScore);
      scores.put(candidate, (int) Math.max(0, Math.min(MAX_SCORE, combined)));
    }
    return scores;
  }
}
