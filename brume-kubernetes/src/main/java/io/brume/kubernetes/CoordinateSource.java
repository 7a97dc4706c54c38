package io.brume.kubernetes;

import io.brume.coordinate.Coordinate;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where this node's current coordinate comes from: the agent's Vivaldi client. Empty until the
 * agent has taken its first samples, so nothing misleading is published at start.
 */
@FunctionalInterface
public interface CoordinateSource {
  Optional<NodeCoordinate> current();

  /**
   * Reads the agent's Vivaldi coordinate. A coordinate still at the origin (all-zero vector) has
   * not been measured yet, since Vivaldi's first sample always moves it (two nodes at the same
   * place are pushed apart in a random direction); neither it nor an invalid one is published.
   */
  static CoordinateSource fromVivaldi(Supplier<Coordinate> coordinate) {
    Objects.requireNonNull(coordinate, "coordinate");
    return () -> {
      Coordinate c = coordinate.get();
      if (c == null || !c.isValid() || c.height() < 0) {
        return Optional.empty();
      }
      for (int i = 0; i < c.dimensions(); i++) {
        if (c.component(i) != 0) {
          return Optional.of(NodeCoordinate.fromVivaldi(c));
        }
      }
      return Optional.empty();
    };
  }
}
