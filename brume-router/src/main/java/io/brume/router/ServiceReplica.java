package io.brume.router;

import java.util.Objects;

/**
 * One replica of a service as seen by a routing node: its identity, whether it may receive traffic,
 * and how many requests per second it can serve. The router's only endpoint type: brume-proxy's
 * {@code Endpoint} (where to connect) and brume-kubernetes' {@code PodEndpoint} (what an
 * EndpointSlice says) are mapped onto it by id.
 *
 * @param id unique name of the endpoint within the service (for example {@code "10.0.3.7:8080"})
 * @param ready whether the endpoint passed its readiness checks; policies only ever route to ready
 *     endpoints
 * @param capacityRps requests per second the endpoint can serve before its queue grows without
 *     bound; finite and {@code > 0}
 */
public record ServiceReplica(String id, boolean ready, double capacityRps) {

  /** Validates the fields; the message names the offending one. */
  public ServiceReplica {
    Objects.requireNonNull(id, "endpoint id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("endpoint id must not be blank");
    }
    if (!(capacityRps > 0) || !Double.isFinite(capacityRps)) {
      throw new IllegalArgumentException(
          "endpoint " + id + ": capacityRps must be finite and > 0, got " + capacityRps);
    }
  }

  /** A ready endpoint with the given capacity. */
  public static ServiceReplica ready(String id, double capacityRps) {
    return new ServiceReplica(id, true, capacityRps);
  }
}
