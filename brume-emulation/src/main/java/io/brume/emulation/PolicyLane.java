package io.brume.emulation;

import io.brume.coordinate.Coordinate;
import io.brume.node.Agent;
import io.brume.proxy.Endpoint;
import io.brume.proxy.HealthCheck;
import io.brume.proxy.ProxyConfig;
import io.brume.proxy.ProxyServer;
import io.brume.proxy.RoutingPolicyChooser;
import io.brume.router.LocalView;
import io.brume.router.RoutingPolicy;
import io.brume.router.ServiceReplica;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The demo service as routed by one policy: its own replicas (so two lanes never share a queue),
 * one delayed TCP path per (client node, replica), and on every node a brume-proxy {@link
 * ProxyServer} (L7) whose chooser is that node's instance of the policy. A client request goes to
 * its node's proxy over loopback (no delay: the proxy is local), the proxy picks a replica with the
 * policy on the node's Vivaldi estimates and forwards over the delayed path. The proxy feeds the
 * policy each request's latency; the lane adds the replicas' load reports.
 */
final class PolicyLane implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

  private final String policyName;
  private final Map<String, Agent> nodes;
  private final Map<String, RoutingPolicy> policies = new LinkedHashMap<>();
  private final List<DemoReplica> replicas = new ArrayList<>();
  private final List<ServiceReplica> endpoints = new ArrayList<>();
  private final Map<String, Map<String, TcpDelayRelay>> paths = new LinkedHashMap<>();
  private final Map<String, ProxyServer> proxies = new LinkedHashMap<>();
  private final Map<String, String> hostOf = new LinkedHashMap<>();
  private final HttpClient http;
  private final LatencyRecorder recorder = new LatencyRecorder();

  /**
   * @param policyName the policy's name, as the dashboard shows it
   * @param newPolicy a fresh policy instance, called once per node
   * @param nodes the fog's nodes' agents by name
   * @param hosts the nodes that host a replica
   * @param rttMillis the true RTT between two node names
   * @param lag where the lane's relays record how late they deliver
   */
  PolicyLane(
      String policyName,
      Supplier<RoutingPolicy> newPolicy,
      Map<String, Agent> nodes,
      List<String> hosts,
      java.util.function.ToDoubleBiFunction<String, String> rttMillis,
      FogConfig config,
      ExecutorService threads,
      LagMeter lag) {
    this.policyName = policyName;
    this.nodes = nodes;
    for (String host : hosts) {
      DemoReplica replica =
          new DemoReplica("demo@" + host, host, config.serviceTime(), config.workersPerReplica());
      replicas.add(replica);
      hostOf.put(replica.id(), host);
      endpoints.add(ServiceReplica.ready(replica.id(), replica.capacityRps()));
    }
    for (String node : nodes.keySet()) {
      policies.put(node, newPolicy.get());
      Map<String, TcpDelayRelay> fromNode = new LinkedHashMap<>();
      for (DemoReplica replica : replicas) {
        Duration oneWay = Delays.oneWay(rttMillis.applyAsDouble(node, replica.node()));
        fromNode.put(replica.id(), new TcpDelayRelay(replica.address(), oneWay, threads, lag));
      }
      paths.put(node, fromNode);
      proxies.put(node, startProxy(node, fromNode));
    }
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(threads)
            .build();
  }

  String policyName() {
    return policyName;
  }

  List<DemoReplica> replicas() {
    return replicas;
  }

  LatencyRecorder recorder() {
    return recorder;
  }

  /** One request of the demo service from {@code node}, through the node's proxy. Blocks. */
  void send(String node) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + proxies.get(node).address().getPort()
                        + "/demo?from="
                        + node))
            .timeout(REQUEST_TIMEOUT)
            .build();
    long start = System.nanoTime();
    boolean ok = false;
    try {
      ok = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (ok) {
        recorder.record((System.nanoTime() - start) / 1e6);
      } else {
        recorder.recordFailure();
      }
    }
  }

  private ProxyServer startProxy(String node, Map<String, TcpDelayRelay> fromNode) {
    List<Endpoint> upstreams = new ArrayList<>();
    Map<String, Double> capacity = new LinkedHashMap<>();
    for (DemoReplica replica : replicas) {
      upstreams.add(
          new Endpoint(replica.id(), "127.0.0.1", fromNode.get(replica.id()).address().getPort()));
      capacity.put(replica.id(), replica.capacityRps());
    }
    RoutingPolicyChooser chooser =
        new RoutingPolicyChooser(
            policies.get(node),
            endpoint -> estimateMillis(node, endpoint.name()),
            endpoint -> capacity.get(endpoint.name()));
    ProxyConfig proxyConfig =
        ProxyConfig.http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), upstreams)
            .withChooser(chooser)
            // The replicas never fail here; health checks would only add load through the relays.
            .withHealthCheck(HealthCheck.none());
    try {
      return new ProxyServer(proxyConfig).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the proxy of node " + node, e);
    }
  }

  /** Each replica reports its utilisation since its previous report to every node's policy. */
  void reportLoads() {
    for (DemoReplica replica : replicas) {
      double utilisation = replica.utilisationSinceLastReport();
      for (RoutingPolicy policy : policies.values()) {
        policy.loadReported(replica.id(), utilisation);
      }
    }
  }

  /** Replica id to probability for requests from {@code node}. */
  Map<String, Double> weights(String node) {
    return policies.get(node).weights(view(node)).asMap();
  }

  /** Replica id to mean utilisation over {@code seconds}. */
  Map<String, Double> meanLoads(double seconds) {
    Map<String, Double> loads = new LinkedHashMap<>();
    for (DemoReplica replica : replicas) {
      loads.put(
          replica.id(),
          seconds <= 0 ? 0.0 : replica.received() / (replica.capacityRps() * seconds));
    }
    return loads;
  }

  private LocalView view(String node) {
    return LocalView.of(endpoints, endpoint -> estimateMillis(node, endpoint.id()));
  }

  /** {@code node}'s Vivaldi estimate of the RTT to the host of replica {@code replicaId}, ms. */
  private double estimateMillis(String node, String replicaId) {
    Agent self = nodes.get(node);
    double estimate = EmulatedFog.estimateRttMillis(self, hostOf.get(replicaId));
    // A replica's host not heard of yet: assume it is as far as the centre of the space.
    return Double.isNaN(estimate)
        ? self.coordinate().estimateRttMillis(Coordinate.origin(self.config().vivaldi()))
        : estimate;
  }

  @Override
  public void close() {
    http.shutdownNow();
    proxies.values().forEach(ProxyServer::close);
    paths.values().forEach(m -> m.values().forEach(TcpDelayRelay::close));
    replicas.forEach(DemoReplica::close);
  }
}
