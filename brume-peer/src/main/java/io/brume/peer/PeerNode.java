package io.brume.peer;

import io.brume.coordinate.Coordinate;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A node that may serve blobs: its name, the base URL of its peer server and its Vivaldi
 * coordinate, when known.
 *
 * @param name the node's name (as in the agent's peer list)
 * @param url base URL of its peer server, e.g. {@code http://10.0.0.2:7948}
 * @param coordinate its last known coordinate; empty when never heard of
 */
public record PeerNode(String name, URI url, Optional<Coordinate> coordinate) {
  public PeerNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(coordinate, "coordinate");
    if (name.isBlank()) {
      throw new IllegalArgumentException("peer name must not be blank");
    }
    String scheme = String.valueOf(url.getScheme());
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      throw new IllegalArgumentException(
          "peer " + name + ": url must be http(s)://host:port, got '" + url + "'");
    }
  }

  /** A peer with a known coordinate. */
  public static PeerNode of(String name, URI url, Coordinate coordinate) {
    return new PeerNode(name, url, Optional.of(coordinate));
  }
}
