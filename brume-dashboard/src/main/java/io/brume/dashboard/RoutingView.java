package io.brume.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where one node sends the demo service's requests.
 *
 * @param node the routing node's name
 * @param weightsByPolicy policy name to (replica id to probability); each inner map sums to 1
 */
public record RoutingView(String node, Map<String, Map<String, Double>> weightsByPolicy) {

  /** Copies the maps, keeping their iteration order. */
  public RoutingView {
    Objects.requireNonNull(node, "node");
    Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
    weightsByPolicy.forEach(
        (policy, weights) ->
            copy.put(policy, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights))));
    weightsByPolicy = java.util.Collections.unmodifiableMap(copy);
  }
}
