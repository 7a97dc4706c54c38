package io.brume.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * Publishes this node's coordinate as the {@link BrumeAnnotations#COORDINATE} annotation of its
 * Node, but only when it is worth an API write: the first time, then only when the coordinate moved
 * at least {@code minMoveMillis} (so every peer's estimate to us changes by at least that much) and
 * no sooner than {@code minInterval} after the previous write. With 500 nodes and the defaults (2
 * ms, 30 s) a converged cluster writes almost never, and a churning one at most 500/30 ≈ 17 patches
 * per second.
 *
 * <p>One JSON merge patch per publication (verb {@code patch} on {@code nodes}); not thread-safe,
 * call it from the agent's single coordinate loop.
 */
public final class CoordinatePublisher {
  /** Default movement threshold: below Vivaldi's typical error on LAN-to-WAN fogs. */
  public static final double DEFAULT_MIN_MOVE_MILLIS = 2.0;

  /** Default minimum time between two writes of the annotation. */
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String nodeName;
  private final CoordinateSource source;
  private final InstantSource clock;
  private final double minMoveMillis;
  private final Duration minInterval;

  private NodeCoordinate lastPublished;
  private Instant lastPublishedAt;

  public CoordinatePublisher(
      KubernetesClient client,
      String nodeName,
      CoordinateSource source,
      InstantSource clock,
      double minMoveMillis,
      Duration minInterval) {
    this.client = Objects.requireNonNull(client, "client");
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.source = Objects.requireNonNull(source, "source");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!(minMoveMillis >= 0)) {
      throw new IllegalArgumentException("minMoveMillis must be >= 0, got " + minMoveMillis);
    }
    this.minMoveMillis = minMoveMillis;
    this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
  }

  /**
   * Publishes the current coordinate if it moved meaningfully and the rate limit allows.
   *
   * @return true if the Node was patched
   */
  public boolean publishIfMoved() {
    Optional<NodeCoordinate> current = source.current();
    if (current.isEmpty()) {
      return false;
    }
    NodeCoordinate coordinate = current.get();
    Instant now = clock.instant();
    if (lastPublished != null) {
      if (now.isBefore(lastPublishedAt.plus(minInterval))) {
        return false;
      }
      if (coordinate.movedMillisFrom(lastPublished) < minMoveMillis) {
        return false;
      }
    }
    patch(coordinate);
    lastPublished = coordinate;
    lastPublishedAt = now;
    return true;
  }

  private void patch(NodeCoordinate coordinate) {
    NodeAnnotationPatch.set(client, nodeName, BrumeAnnotations.COORDINATE, coordinate.toJson());
  }
}
