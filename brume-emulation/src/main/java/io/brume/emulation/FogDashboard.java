package io.brume.emulation;

import io.brume.coordinate.Coordinate;
import io.brume.dashboard.DashboardSource;
import io.brume.dashboard.NodeView;
import io.brume.dashboard.PolicyStats;
import io.brume.dashboard.RoutingView;
import io.brume.dashboard.StatsView;
import io.brume.node.Agent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The dashboard's view of an {@link EmulatedFog}; every call reads the live state. */
public final class FogDashboard implements DashboardSource {
  private final EmulatedFog fog;

  FogDashboard(EmulatedFog fog) {
    this.fog = fog;
  }

  @Override
  public String title() {
    return "up: "
        + fog.dataset().size()
        + " emulated nodes, "
        + fog.replicaHosts().size()
        + " replicas, random vs "
        + fog.config().brumePolicy();
  }

  @Override
  public List<NodeView> nodes() {
    List<NodeView> views = new ArrayList<>();
    for (Agent agent : fog.nodes()) {
      String name = agent.config().node();
      Coordinate c = agent.coordinate();
      Map<String, Double> estimated = new LinkedHashMap<>();
      for (String peer : fog.dataset().names()) {
        double estimate = EmulatedFog.estimateRttMillis(agent, peer);
        if (!peer.equals(name) && !Double.isNaN(estimate)) {
          estimated.put(peer, estimate);
        }
      }
      List<String> replicas =
          fog.replicaHosts().contains(name) ? List.of("demo@" + name) : List.of();
      views.add(
          new NodeView(
              name,
              c.vector(),
              c.height(),
              c.adjustment(),
              c.error(),
              estimated,
              agent.measuredRttMillis(),
              replicas,
              Optional.of(EmulatedFog.agentUrl(agent))));
    }
    return views;
  }

  @Override
  public List<RoutingView> routing() {
    List<RoutingView> views = new ArrayList<>();
    for (String node : fog.dataset().names()) {
      Map<String, Map<String, Double>> byPolicy = new LinkedHashMap<>();
      for (PolicyLane lane : fog.lanes()) {
        byPolicy.put(lane.policyName(), lane.weights(node));
      }
      views.add(new RoutingView(node, byPolicy));
    }
    return views;
  }

  @Override
  public StatsView stats() {
    double seconds = fog.loadSeconds();
    List<PolicyStats> policies = new ArrayList<>();
    for (PolicyLane lane : fog.lanes()) {
      LatencyRecorder r = lane.recorder();
      Map<String, Double> loads = lane.meanLoads(seconds);
      double maxLoad = loads.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
      policies.add(
          new PolicyStats(
              lane.policyName(),
              r.meanMillis(),
              r.quantileMillis(0.95),
              r.count(),
              maxLoad,
              loads,
              r.series()));
    }
    return new StatsView(fog.config().brumePolicy(), seconds, policies, fog.relayLagMillis());
  }
}
