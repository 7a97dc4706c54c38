package io.brume.kubernetes;

import java.util.List;

/**
 * What the data plane should do for one Service on this node: for traffic to {@code clusterIp} on
 * each port, pick an endpoint with the given weights.
 *
 * @param clusterIp the Service's cluster IP ("None" for headless Services)
 * @param ports the Service ports and where they go on the endpoints
 * @param endpoints the endpoints with weights summing to 1, sorted by address
 */
public record ServiceRoute(String clusterIp, List<PortMapping> ports, List<WeightedPod> endpoints) {
  public ServiceRoute {
    ports = List.copyOf(ports);
    endpoints = List.copyOf(endpoints);
  }

  /**
   * One Service port.
   *
   * @param name the port name ("" when the Service has a single unnamed port)
   * @param protocol TCP, UDP or SCTP
   * @param port the Service port
   * @param targetPort the endpoint port, from the EndpointSlice
   */
  public record PortMapping(String name, String protocol, int port, int targetPort) {}
}
