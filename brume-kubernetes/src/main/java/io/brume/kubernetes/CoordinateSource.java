package io.brume.kubernetes;

import java.util.Optional;

/**
 * Where this node's current coordinate comes from: the agent's Vivaldi client. Empty until the
 * agent has taken its first samples, so nothing misleading is published at start.
 */
@FunctionalInterface
public interface CoordinateSource {
  Optional<NodeCoordinate> current();
}
