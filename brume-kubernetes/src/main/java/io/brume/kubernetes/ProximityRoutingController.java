package io.brume.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proximity routing on one node: watches Services, their EndpointSlices and the Nodes, and keeps
 * the node's {@link DataPlane} programmed for every Service annotated {@code brume.io/routing:
 * proximity}.
 *
 * <p>Informer handlers only enqueue Service keys into a {@link KeyedWorkQueue} (one reconcile at a
 * time per Service); the informers' resync re-delivers every object, which re-enqueues every
 * Service (drift repair and retry). Informers are built and their indexers and handlers registered
 * before any is started (fabric8#3468). {@link #close()} stops watching and removes brume's rules.
 */
public final class ProximityRoutingController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProximityRoutingController.class);
  private static final String BY_SERVICE = "byService";

  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final PeerDirectory peers;
  private final DataPlane dataPlane;
  private final KeyedWorkQueue<ServiceKey> queue;

  /**
   * Builds (does not start) the controller for node {@code nodeName}.
   *
   * @param resync how often every object is re-delivered and every Service reconciled again
   * @param workers how many Services may be reconciled concurrently (each at most once at a time)
   */
  public ProximityRoutingController(
      KubernetesClient client,
      String nodeName,
      DataPlane dataPlane,
      Duration resync,
      int workers,
      InstantSource clock) {
    Objects.requireNonNull(client, "client");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.services = client.services().inAnyNamespace().runnableInformer(resync.toMillis());
    this.slices =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inAnyNamespace()
            .runnableInformer(resync.toMillis());
    this.peers = new PeerDirectory(client, resync);
    slices.addIndexers(
        Map.of(
            BY_SERVICE,
            slice -> {
              String service =
                  slice.getMetadata().getLabels() == null
                      ? null
                      : slice.getMetadata().getLabels().get(BrumeAnnotations.SERVICE_NAME_LABEL);
              return service == null
                  ? List.of()
                  : List.of(slice.getMetadata().getNamespace() + '/' + service);
            }));
    ServiceReconciler reconciler =
        new ServiceReconciler(
            nodeName,
            this::cachedService,
            key -> slices.getIndexer().byIndex(BY_SERVICE, key.toString()),
            peers::peers,
            dataPlane,
            new ProblemReporter(client, "brume-agent", clock),
            clock);
    this.queue = new KeyedWorkQueue<>("brume-routing", workers, reconciler::reconcile);

    services.addEventHandler(
        handler(
            s ->
                queue.enqueue(
                    new ServiceKey(s.getMetadata().getNamespace(), s.getMetadata().getName()))));
    slices.addEventHandler(
        handler(
            slice -> {
              Map<String, String> labels = slice.getMetadata().getLabels();
              String service =
                  labels == null ? null : labels.get(BrumeAnnotations.SERVICE_NAME_LABEL);
              if (service != null) {
                queue.enqueue(new ServiceKey(slice.getMetadata().getNamespace(), service));
              }
            }));
    // A peer's coordinate or readiness changes the weights of every opted-in Service.
    peers.addListener(this::enqueueOptedIn);
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> enqueue) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        enqueue.accept(object);
      }

      @Override
      public void onUpdate(T oldObject, T newObject) {
        enqueue.accept(newObject);
      }

      @Override
      public void onDelete(T object, boolean deletedFinalStateUnknown) {
        enqueue.accept(object);
      }
    };
  }

  private Optional<Service> cachedService(ServiceKey key) {
    return Optional.ofNullable(
        services.getStore().getByKey(Cache.namespaceKeyFunc(key.namespace(), key.name())));
  }

  private void enqueueOptedIn() {
    for (Service service : services.getStore().list()) {
      if (RoutingSpec.isOptedIn(service.getMetadata().getAnnotations())) {
        queue.enqueue(
            new ServiceKey(service.getMetadata().getNamespace(), service.getMetadata().getName()));
      }
    }
  }

  /** Starts the informers and waits up to {@code timeout} until all three have listed once. */
  public void start(Duration timeout) {
    CompletableFuture<?> synced =
        CompletableFuture.allOf(
            services.start().toCompletableFuture(), slices.start().toCompletableFuture());
    peers.start(timeout);
    try {
      synced.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing Services and EndpointSlices", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not list Services and EndpointSlices within " + timeout + ": " + e, e);
    }
    LOG.info(
        "proximity routing started: {} Services, {} EndpointSlices cached",
        services.getStore().list().size(),
        slices.getStore().list().size());
  }

  /** The peer directory this controller reads, shared with the agent's other components. */
  public PeerDirectory peers() {
    return peers;
  }

  /** Stops watching, waits for running reconciles, then removes every rule brume installed. */
  @Override
  public void close() {
    services.close();
    slices.close();
    peers.close();
    queue.close();
    dataPlane.removeAll();
  }
}
