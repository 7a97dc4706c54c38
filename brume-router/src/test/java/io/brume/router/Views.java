package io.brume.router;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test fixtures: views with given RTTs. */
final class Views {

  private Views() {}

  /** Endpoints e0, e1, … with capacity 100 rps and the given RTTs in ms. */
  static LocalView rtts(double... rttMillis) {
    Map<ServiceReplica, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < rttMillis.length; i++) {
      map.put(ServiceReplica.ready("e" + i, 100), rttMillis[i]);
    }
    return LocalView.ofEstimates(map);
  }

  /** Counts how often each endpoint id is chosen in {@code draws} requests. */
  static Map<String, Integer> histogram(
      RoutingPolicy policy, LocalView view, java.util.random.RandomGenerator random, int draws) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ServiceReplica endpoint : view.endpoints()) {
      counts.put(endpoint.id(), 0);
    }
    for (int i = 0; i < draws; i++) {
      counts.merge(policy.choose(view, random).id(), 1, Integer::sum);
    }
    return counts;
  }
}
