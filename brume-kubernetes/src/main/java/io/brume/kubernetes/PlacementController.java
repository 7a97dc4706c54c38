package io.brume.kubernetes;

import io.brume.router.placement.PlacementPlanner;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The placement controller: for every Deployment annotated {@code brume.io/placement: enabled},
 * keeps the replicas' node set close to where the demand of its Service comes from, one node at a
 * time.
 *
 * <p>The node set is the pod template's required node affinity {@code kubernetes.io/hostname In
 * [nodes]} with as many nodes as replicas. Each reconcile reads the Nodes' coordinates and the
 * Service's demand ({@code brume.io/demand}) from the {@link PeerDirectory}, and asks {@link
 * PlacementPlanner#nextMove} for one swap that improves the demand-weighted percentile by more than
 * the hysteresis (or fixes a violated bound). A swap is a JSON patch of the Deployment, which
 * Kubernetes rolls out like any template change; the next swap waits until that rollout finished
 * and {@code minMoveInterval} passed, so a Deployment never has two moves in flight. A Deployment
 * without brume's affinity yet gets the planner's full placement once ({@link
 * PlacementPlanner#plan}), since its pods' nodes are not known to brume.
 *
 * <p>Informer handlers only enqueue keys into a {@link KeyedWorkQueue} (one reconcile at a time per
 * Deployment, done by {@link PlacementReconciler}; settings from {@link PlacementSpec}); the resync
 * is the periodic re-evaluation and the retry. A reconcile with nothing to change makes no API
 * call. The Nodes come from a {@link PeerDirectory} that is either the controller's own or shared
 * with the scheduler extender, so {@code scheduler-extender --placement} watches Nodes once.
 */
public final class PlacementController implements AutoCloseable {
  /** Default relative improvement a move must bring (see {@link PlacementPlanner#nextMove}). */
  public static final double DEFAULT_HYSTERESIS = 0.1;

  private final SharedIndexInformer<Deployment> deployments;
  private final PeerDirectory peers;
  private final boolean ownsPeers;
  // Keyed by namespace/name; ServiceKey is that pair whatever the kind.
  private final KeyedWorkQueue<ServiceKey> queue;

  /**
   * Builds (does not start) the controller with its own Node informer.
   *
   * @param resync how often every Deployment is re-evaluated
   * @param hysteresis minimum relative improvement for a move, e.g. {@link #DEFAULT_HYSTERESIS}
   * @param minMoveInterval minimum time between two moves of one Deployment
   */
  public PlacementController(
      KubernetesClient client,
      Duration resync,
      double hysteresis,
      Duration minMoveInterval,
      InstantSource clock) {
    this(
        client,
        new PeerDirectory(client, resync),
        true,
        resync,
        hysteresis,
        minMoveInterval,
        clock);
  }

  /**
   * Builds (does not start) the controller on a {@link PeerDirectory} shared with other users; the
   * caller starts and closes {@code peers}.
   */
  public PlacementController(
      KubernetesClient client,
      PeerDirectory peers,
      Duration resync,
      double hysteresis,
      Duration minMoveInterval,
      InstantSource clock) {
    this(client, peers, false, resync, hysteresis, minMoveInterval, clock);
  }

  private PlacementController(
      KubernetesClient client,
      PeerDirectory peers,
      boolean ownsPeers,
      Duration resync,
      double hysteresis,
      Duration minMoveInterval,
      InstantSource clock) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(minMoveInterval, "minMoveInterval");
    if (!(hysteresis >= 0)) {
      throw new IllegalArgumentException("hysteresis must be >= 0, got " + hysteresis);
    }
    this.peers = Objects.requireNonNull(peers, "peers");
    this.ownsPeers = ownsPeers;
    this.deployments =
        client.apps().deployments().inAnyNamespace().runnableInformer(resync.toMillis());
    PlacementReconciler reconciler =
        new PlacementReconciler(client, peers::peers, clock, hysteresis, minMoveInterval);
    this.queue =
        new KeyedWorkQueue<>(
            "brume-placement",
            1,
            key ->
                reconciler.reconcile(
                    key,
                    deployments
                        .getStore()
                        .getByKey(Cache.namespaceKeyFunc(key.namespace(), key.name()))));
    deployments.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment d) {
            enqueueIfOptedIn(d);
          }

          @Override
          public void onUpdate(Deployment oldD, Deployment newD) {
            enqueueIfOptedIn(newD);
          }

          @Override
          public void onDelete(Deployment d, boolean deletedFinalStateUnknown) {
            // Nothing to clean up: the affinity went with the Deployment.
          }
        });
    // New coordinates or demand can justify a move for every opted-in Deployment.
    peers.addListener(
        () -> {
          for (Deployment d : deployments.getStore().list()) {
            enqueueIfOptedIn(d);
          }
        });
  }

  private void enqueueIfOptedIn(Deployment d) {
    if (PlacementSpec.isOptedIn(d)) {
      queue.enqueue(new ServiceKey(d.getMetadata().getNamespace(), d.getMetadata().getName()));
    }
  }

  /**
   * Starts the informers (the Node informer only if it is the controller's own) and waits up to
   * {@code timeout} until they have listed once.
   */
  public void start(Duration timeout) {
    if (ownsPeers) {
      peers.start(timeout);
    }
    try {
      deployments.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing Deployments", e);
    } catch (Exception e) {
      throw new IllegalStateException("could not list Deployments within " + timeout + ": " + e, e);
    }
  }

  /** Stops watching and waits for a running reconcile; the Deployments keep their affinity. */
  @Override
  public void close() {
    deployments.close();
    if (ownsPeers) {
      peers.close();
    }
    queue.close();
  }
}
