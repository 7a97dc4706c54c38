package io.brume.kubernetes;

import java.util.Map;
import java.util.Optional;

/**
 * What brume knows about one Node, read from its annotations and status.
 *
 * @param name the Node name
 * @param coordinate its published coordinate, empty if none or unreadable
 * @param ready whether its {@code Ready} condition is {@code True}
 * @param load its reported load as a fraction of capacity, NaN if not reported
 * @param demand requests its proxy saw per Service key {@code namespace/name}
 */
public record PeerNode(
    String name,
    Optional<NodeCoordinate> coordinate,
    boolean ready,
    double load,
    Map<String, Long> demand) {

  public PeerNode {
    demand = Map.copyOf(demand);
  }

  /** Estimated RTT in ms to {@code other}, or NaN when either has no coordinate. */
  public double estimateRttMillis(PeerNode other) {
    if (coordinate.isEmpty() || other.coordinate.isEmpty()) {
      return Double.NaN;
    }
    NodeCoordinate a = coordinate.get();
    NodeCoordinate b = other.coordinate.get();
    if (a.vectorMs().length != b.vectorMs().length) {
      return Double.NaN;
    }
    return a.estimateRttMillis(b);
  }
}
