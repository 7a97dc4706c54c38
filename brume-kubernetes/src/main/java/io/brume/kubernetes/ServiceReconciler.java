package io.brume.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Brings this node's data plane in line with one Service, from cached state only: idempotent (the
 * same caches give the same call to {@link DataPlane#program}), so it can run on every event and
 * every resync. A Service that is gone or no longer opted in loses brume's rules.
 */
public final class ServiceReconciler {
  private final String localNode;
  private final Function<ServiceKey, Optional<Service>> services;
  private final Function<ServiceKey, List<EndpointSlice>> slices;
  private final Supplier<Map<String, PeerNode>> peers;
  private final DataPlane dataPlane;
  private final ProblemReporter problems;
  private final InstantSource clock;

  /**
   * @param clock the time source of the {@code adaptive} policy
   */
  public ServiceReconciler(
      String localNode,
      Function<ServiceKey, Optional<Service>> services,
      Function<ServiceKey, List<EndpointSlice>> slices,
      Supplier<Map<String, PeerNode>> peers,
      DataPlane dataPlane,
      ProblemReporter problems,
      InstantSource clock) {
    this.localNode = Objects.requireNonNull(localNode, "localNode");
    this.services = services;
    this.slices = slices;
    this.peers = peers;
    this.dataPlane = dataPlane;
    this.problems = problems;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Reconciles {@code key}. */
  public void reconcile(ServiceKey key) {
    Optional<Service> found = services.apply(key);
    if (found.isEmpty() || !RoutingSpec.isOptedIn(found.get().getMetadata().getAnnotations())) {
      dataPlane.remove(key);
      return;
    }
    Service service = found.get();
    RoutingSpec.Parsed parsed = RoutingSpec.parse(service.getMetadata().getAnnotations());
    for (String problem : parsed.problems()) {
      problems.report(service, problem);
    }
    List<EndpointSlice> serviceSlices = slices.apply(key);
    Map<String, PeerNode> known = peers.get();
    PeerNode local =
        known.getOrDefault(
            localNode, new PeerNode(localNode, Optional.empty(), true, Double.NaN, Map.of()));
    List<WeightedPod> weights =
        PolicyWeights.compute(parsed.spec(), local, readyEndpoints(serviceSlices), known, clock);
    dataPlane.program(
        key,
        new ServiceRoute(
            Objects.requireNonNullElse(service.getSpec().getClusterIP(), "None"),
            ports(service, serviceSlices),
            weights));
  }

  /**
   * Endpoints that may receive new traffic: {@code ready} true or unset (the EndpointSlice API says
   * unset means ready), not terminating, deduplicated by address across slices.
   */
  static List<PodEndpoint> readyEndpoints(List<EndpointSlice> slices) {
    Map<String, PodEndpoint> byAddress = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      if (slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        boolean ready =
            endpoint.getConditions() == null
                || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
        boolean terminating =
            endpoint.getConditions() != null
                && Boolean.TRUE.equals(endpoint.getConditions().getTerminating());
        if (!ready || terminating || endpoint.getAddresses() == null) {
          continue;
        }
        for (String address : endpoint.getAddresses()) {
          byAddress.putIfAbsent(address, new PodEndpoint(address, endpoint.getNodeName()));
        }
      }
    }
    List<PodEndpoint> ready = new ArrayList<>(byAddress.values());
    ready.sort(Comparator.comparing(PodEndpoint::address));
    return ready;
  }

  private static List<ServiceRoute.PortMapping> ports(Service service, List<EndpointSlice> slices) {
    Map<String, Integer> targetPorts = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      if (slice.getPorts() == null) {
        continue;
      }
      for (EndpointPort port : slice.getPorts()) {
        if (port.getPort() != null) {
          targetPorts.putIfAbsent(Objects.requireNonNullElse(port.getName(), ""), port.getPort());
        }
      }
    }
    List<ServiceRoute.PortMapping> mappings = new ArrayList<>();
    if (service.getSpec().getPorts() == null) {
      return mappings;
    }
    for (ServicePort port : service.getSpec().getPorts()) {
      String name = Objects.requireNonNullElse(port.getName(), "");
      Integer target = targetPorts.get(name);
      if (target != null) {
        mappings.add(
            new ServiceRoute.PortMapping(
                name,
                Objects.requireNonNullElse(port.getProtocol(), "TCP"),
                port.getPort(),
                target));
      }
    }
    return mappings;
  }
}
