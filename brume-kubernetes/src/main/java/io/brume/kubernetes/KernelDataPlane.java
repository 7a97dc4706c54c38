package io.brume.kubernetes;

import io.brume.proxy.Endpoint;
import io.brume.proxy.IptablesDataPlane;
import io.brume.proxy.KernelService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The routing controller's {@link DataPlane} on brume-proxy's kernel data plane: every programmed
 * Service's ClusterIP and TCP port DNATs to its endpoints with this node's weights, in {@code
 * BRUME-*} NAT chains hooked before kube-proxy's (kube-proxy-style {@code iptables-restore
 * --noflush} transactions with conditional probabilities, see {@code IptablesRules}).
 *
 * <p>Every change re-renders all Services into one transaction; brume-proxy skips it when the text
 * is unchanged, so programming the same route again runs nothing. What is not translated is left to
 * kube-proxy: headless Services, IPv6 ClusterIPs and endpoints, UDP and SCTP ports, Services
 * without a ready endpoint. {@link #removeAll()} removes the hooks and every brume chain.
 *
 * <p>A failed {@code iptables-restore} is thrown as an {@link UncheckedIOException} naming the
 * command and its output; the route stays recorded, so the next reconcile (at the latest, the
 * informers' resync) applies it again.
 */
public final class KernelDataPlane implements DataPlane {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final IptablesDataPlane iptables;
  // Sorted so the same routes always render to the same text (idempotence across restarts).
  private final Map<ServiceKey, ServiceRoute> routes =
      new TreeMap<>(Comparator.comparing(ServiceKey::toString));

  /**
   * Programs through {@code iptables} (for another network namespace, give it a command prefix).
   */
  public KernelDataPlane(IptablesDataPlane iptables) {
    this.iptables = Objects.requireNonNull(iptables, "iptables");
  }

  /** This host's NAT table, as the agent DaemonSet (host network, NET_ADMIN) uses it. */
  public static KernelDataPlane forThisHost() {
    return new KernelDataPlane(new IptablesDataPlane(List.of()));
  }

  @Override
  public synchronized void program(ServiceKey service, ServiceRoute route) {
    routes.put(service, route);
    apply();
  }

  @Override
  public synchronized void remove(ServiceKey service) {
    if (routes.remove(service) != null) {
      apply();
    }
  }

  @Override
  public synchronized Set<ServiceKey> programmed() {
    return Set.copyOf(routes.keySet());
  }

  /** Removes the hooks and every {@code BRUME-*} chain, including a crashed predecessor's. */
  @Override
  public synchronized void removeAll() {
    routes.clear();
    try {
      iptables.close();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not remove brume's iptables rules: " + e.getMessage(), e);
    }
  }

  private void apply() {
    List<KernelService> services = new ArrayList<>();
    routes.forEach((key, route) -> services.addAll(kernelServices(key, route)));
    try {
      iptables.apply(services);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /**
   * The kernel services for one Service route: one per TCP port, named {@code namespace/name:port}
   * (the port's name, or its number when unnamed), with the endpoints that get traffic (weight &gt;
   * 0) on the port's target port. Empty for what kube-proxy keeps handling (see the class comment).
   */
  public static List<KernelService> kernelServices(ServiceKey key, ServiceRoute route) {
    if (route.clusterIp() == null || !IPV4.matcher(route.clusterIp()).matches()) {
      return List.of();
    }
    List<KernelService> services = new ArrayList<>();
    for (ServiceRoute.PortMapping port : route.ports()) {
      if (!"TCP".equals(port.protocol())) {
        continue;
      }
      List<KernelService.WeightedEndpoint> endpoints = new ArrayList<>();
      for (WeightedPod endpoint : route.endpoints()) {
        if (endpoint.weight() > 0 && IPV4.matcher(endpoint.address()).matches()) {
          endpoints.add(
              new KernelService.WeightedEndpoint(
                  new Endpoint(endpoint.address(), endpoint.address(), port.targetPort()),
                  endpoint.weight()));
        }
      }
      String portName = port.name().isEmpty() ? Integer.toString(port.port()) : port.name();
      services.add(
          new KernelService(key + ":" + portName, route.clusterIp(), port.port(), endpoints));
    }
    return services;
  }
}
