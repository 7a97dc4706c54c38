package io.brume.dashboard;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * @param agentUrl where the node's agent API answers ({@code /v1/coordinate}, {@code /metrics}…),
 *     if the node runs one
 */
public record NodeView(
    String name,
    double[] vector,
    double height,
    double adjustment,
    double error,
    Map<String, Double> estimatedRttMillis,
    Map<String, Double> measuredRttMillis,
    List<String> replicas,
    Optional<URI> agentUrl) {

  /** Copies the mutable parts. */
  public NodeView {
    Objects.requireNonNull(name, "name");
    vector = vector.clone();
    estimatedRttMillis = Map.copyOf(estimatedRttMillis);
    measuredRttMillis = Map.copyOf(measuredRttMillis);
    replicas = List.copyOf(replicas);
    Objects.requireNonNull(agentUrl, "agentUrl");
  }

  @Override
  public double[] vector() {
    return vector.clone();
  }
}
