package io.brume.dashboard;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node as the dashboard shows it.
 *
 * @param name the node's name
 * @param vector the Euclidean part of its Vivaldi coordinate, ms; copied
 * @param height the coordinate's height, ms
 * @param adjustment the coordinate's adjustment term, ms
 * @param error the node's own error estimate (relative, dimensionless)
 * @param estimatedRttMillis peer name to the RTT predicted by the coordinates, ms
 * @param measuredRttMillis peer name to the latest RTT measured by a probe, ms
 * @param replicas ids of the service replicas this node hosts
 */
public record NodeView(
    String name,
    double[] vector,
    double height,
    double adjustment,
    double error,
    Map<String, Double> estimatedRttMillis,
    Map<String, Double> measuredRttMillis,
    List<String> replicas) {

  /** Copies the mutable parts. */
  public NodeView {
    Objects.requireNonNull(name, "name");
    vector = vector.clone();
    estimatedRttMillis = Map.copyOf(estimatedRttMillis);
    measuredRttMillis = Map.copyOf(measuredRttMillis);
    replicas = List.copyOf(replicas);
  }

  @Override
  public double[] vector() {
    return vector.clone();
  }
}
