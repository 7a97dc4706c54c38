package io.brume.kubernetes;

import io.brume.coordinate.Coordinate;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * brume's Kubernetes side of one node agent ({@code brume agent --kubernetes}): publishes this
 * node's Vivaldi coordinate on its Node, keeps the peer directory from the Node informer, and
 * programs the data plane for opted-in Services ({@link ProximityRoutingController}).
 *
 * <p>Lifecycle: {@link #start()} first removes rules a crashed predecessor may have left (until the
 * first reconcile the node simply uses kube-proxy's), starts the informers and waits for their
 * first lists, then offers the coordinate to {@link CoordinatePublisher} every {@code
 * publishPeriod} on one thread (the publisher is single-threaded by contract). {@link #stop()}
 * stops publishing and watching and removes every rule brume installed; it is idempotent. The
 * client belongs to the caller.
 */
public final class KubernetesAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesAgent.class);

  private final String nodeName;
  private final DataPlane dataPlane;
  private final KubernetesAgentSettings settings;
  private final CoordinatePublisher publisher;
  private final ProximityRoutingController routing;
  private @Nullable ScheduledExecutorService publishing;
  private boolean publishFailing;
  private boolean stopped;

  /**
   * Builds the agent (nothing runs until {@link #start()}).
   *
   * @param coordinate this node's current coordinate, e.g. the node agent's {@code coordinate()};
   *     read on the publishing thread
   */
  public KubernetesAgent(
      KubernetesClient client,
      String nodeName,
      Supplier<Coordinate> coordinate,
      DataPlane dataPlane,
      KubernetesAgentSettings settings,
      InstantSource clock) {
    Objects.requireNonNull(client, "client");
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.publisher =
        new CoordinatePublisher(
            client,
            nodeName,
            CoordinateSource.fromVivaldi(coordinate),
            clock,
            settings.minMoveMillis(),
            settings.minPublishInterval());
    this.routing =
        new ProximityRoutingController(
            client, nodeName, dataPlane, settings.resync(), settings.workers(), clock);
  }

  /** The same with the system clock. */
  public KubernetesAgent(
      KubernetesClient client,
      String nodeName,
      Supplier<Coordinate> coordinate,
      DataPlane dataPlane,
      KubernetesAgentSettings settings) {
    this(client, nodeName, coordinate, dataPlane, settings, InstantSource.system());
  }

  /**
   * Starts watching, routing and publishing.
   *
   * @throws IllegalStateException if the informers cannot list within the start timeout (nothing
   *     keeps running then)
   */
  public synchronized KubernetesAgent start() {
    if (publishing != null || stopped) {
      throw new IllegalStateException("a KubernetesAgent starts once");
    }
    dataPlane.removeAll();
    try {
      routing.start(settings.startTimeout());
    } catch (RuntimeException e) {
      routing.close();
      stopped = true;
      throw e;
    }
    publishing =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("brume-coordinate-publisher").factory());
    publishing.scheduleWithFixedDelay(
        this::publish, 0, settings.publishPeriod().toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("brume on Kubernetes started for node {}", nodeName);
    return this;
  }

  private void publish() {
    try {
      publisher.publishIfMoved();
      if (publishFailing) {
        LOG.info("publishing the coordinate of node {} works again", nodeName);
        publishFailing = false;
      }
    } catch (RuntimeException e) {
      // An API server outage would otherwise log every period; the next period retries.
      if (!publishFailing) {
        LOG.warn("cannot publish the coordinate of node {}, retrying: {}", nodeName, e.toString());
        publishFailing = true;
      }
    }
  }

  /** The cluster's nodes as peers, from the informer cache. */
  public PeerDirectory peers() {
    return routing.peers();
  }

  /** Stops publishing and watching, then removes brume's rules; idempotent. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (publishing != null) {
      publishing.shutdownNow();
      try {
        publishing.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    routing.close();
    LOG.info("brume on Kubernetes stopped for node {}; its rules are removed", nodeName);
  }

  @Override
  public void close() {
    stop();
  }
}
