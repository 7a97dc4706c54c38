package io.brume.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * What one routing node knows when it picks a replica: the service's <em>ready</em> endpoints and
 * the estimated round-trip time from this node to each of them, in milliseconds.
 *
 * <p>Not-ready endpoints are dropped on construction, so every policy normalises its weights over
 * ready endpoints only. Endpoints are kept sorted by estimated RTT, ties broken by id, which makes
 * "the nearest" and "the n nearest" well defined and deterministic. Build one with {@link #of} from
 * any estimate (the simulator uses its Vivaldi estimates) or with {@link CoordinateViews} from
 * Vivaldi coordinates.
 */
public final class LocalView {

  private final List<ServiceReplica> endpoints;
  private final double[] rttMillis;

  private LocalView(List<ServiceReplica> endpoints, double[] rttMillis) {
    this.endpoints = endpoints;
    this.rttMillis = rttMillis;
  }

  /**
   * Builds the view from the service's endpoints and an RTT estimator.
   *
   * @throws NoReadyEndpointsException if no endpoint is ready
   * @throws IllegalArgumentException if two endpoints share an id or an estimate is negative, NaN
   *     or infinite
   */
  public static LocalView of(
      List<ServiceReplica> endpoints, ToDoubleFunction<ServiceReplica> rttEstimateMillis) {
    Objects.requireNonNull(endpoints, "endpoints");
    Objects.requireNonNull(rttEstimateMillis, "rttEstimateMillis");
    record Estimated(ServiceReplica endpoint, double rtt) {}
    List<Estimated> ready = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (ServiceReplica endpoint : endpoints) {
      if (!ids.add(endpoint.id())) {
        throw new IllegalArgumentException("duplicate endpoint id " + endpoint.id());
      }
      if (!endpoint.ready()) {
        continue;
      }
      double rtt = rttEstimateMillis.applyAsDouble(endpoint);
      if (!(rtt >= 0) || !Double.isFinite(rtt)) {
        throw new IllegalArgumentException(
            "endpoint " + endpoint.id() + ": RTT estimate must be finite and >= 0 ms, got " + rtt);
      }
      ready.add(new Estimated(endpoint, rtt));
    }
    if (ready.isEmpty()) {
      throw new NoReadyEndpointsException(endpoints.size() + " endpoint(s), none ready");
    }
    ready.sort(
        Comparator.comparingDouble(Estimated::rtt)
            .thenComparing(estimated -> estimated.endpoint().id()));
    return new LocalView(
        ready.stream().map(Estimated::endpoint).toList(),
        ready.stream().mapToDouble(Estimated::rtt).toArray());
  }

  /** Convenience for tests and tools: endpoints with their estimated RTTs given directly. */
  public static LocalView ofEstimates(Map<ServiceReplica, Double> rttMillisByEndpoint) {
    return of(List.copyOf(rttMillisByEndpoint.keySet()), rttMillisByEndpoint::get);
  }

  /** Number of ready endpoints, at least 1. */
  public int size() {
    return endpoints.size();
  }

  /** The ready endpoint of rank {@code index} (0 is the nearest). */
  public ServiceReplica endpoint(int index) {
    return endpoints.get(index);
  }

  /** Estimated RTT in ms to the endpoint of rank {@code index}. */
  public double rttMillis(int index) {
    return rttMillis[index];
  }

  /** The ready endpoints, nearest first. */
  public List<ServiceReplica> endpoints() {
    return endpoints;
  }

  /** Rank of the endpoint with this id, or -1 if it is not a ready endpoint of this view. */
  public int indexOf(String endpointId) {
    for (int i = 0; i < endpoints.size(); i++) {
      if (endpoints.get(i).id().equals(endpointId)) {
        return i;
      }
    }
    return -1;
  }
}
