package io.brume.proxy;

import java.util.List;
import java.util.Objects;

/**
 * One service as the kernel data plane sees it on one node: a virtual IP and port, and the replicas
 * with this node's weights.
 *
 * @param name service name, e.g. {@code default/web}; hashed into chain names
 * @param virtualIp IPv4 address clients connect to
 * @param port TCP port clients connect to
 * @param endpoints replicas with non-negative weights, in the order rules are written; weights need
 *     not be normalised, zero means no traffic
 */
public record KernelService(
    String name, String virtualIp, int port, List<WeightedEndpoint> endpoints) {

  public KernelService {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(virtualIp, "virtualIp");
    endpoints = List.copyOf(endpoints);
    if (!virtualIp.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new IllegalArgumentException(
          "service " + name + ": virtual IP '" + virtualIp + "' is not an IPv4 address");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("service " + name + ": port " + port + " not 1-65535");
    }
  }

  /**
   * A replica and its share of this node's traffic.
   *
   * @param endpoint the replica; {@code host} must be an IPv4 address (DNAT needs one)
   * @param weight non-negative, finite
   */
  public record WeightedEndpoint(Endpoint endpoint, double weight) {
    public WeightedEndpoint {
      Objects.requireNonNull(endpoint, "endpoint");
      if (!(weight >= 0) || !Double.isFinite(weight)) {
        throw new IllegalArgumentException(
            "endpoint " + endpoint.name() + ": weight must be finite and >= 0, got " + weight);
      }
      if (!endpoint.host().matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        throw new IllegalArgumentException(
            "endpoint " + endpoint.name() + ": DNAT needs an IPv4 address, got " + endpoint.host());
      }
    }
  }
}
