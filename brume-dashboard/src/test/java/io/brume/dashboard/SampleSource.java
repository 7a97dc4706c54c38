package io.brume.dashboard;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A fixed three-node source for the tests. */
final class SampleSource implements DashboardSource {

  @Override
  public String title() {
    return "sample fog";
  }

  @Override
  public List<NodeView> nodes() {
    return List.of(
        node("a", new double[] {0, 0}, List.of("demo@a")),
        node("b", new double[] {30, 0}, List.of()),
        node("c", new double[] {0, 40}, List.of("demo@c")));
  }

  private static NodeView node(String name, double[] vector, List<String> replicas) {
    return new NodeView(
        name,
        vector,
        1.0,
        -0.5,
        0.2,
        Map.of("x", 12.5),
        Map.of("x", 11.0),
        replicas,
        Optional.of(URI.create("http://127.0.0.1:1/")));
  }

  @Override
  public List<RoutingView> routing() {
    return List.of(
        new RoutingView(
            "a",
            Map.of(
                "random", Map.of("demo@a", 0.5, "demo@c", 0.5),
                "adaptive", Map.of("demo@a", 1.0, "demo@c", 0.0))));
  }

  @Override
  public StatsView stats() {
    return new StatsView(
        "adaptive",
        12.0,
        List.of(
            new PolicyStats(
                "random",
                80.0,
                150.0,
                42,
                0.7,
                Map.of("demo@a", 0.7),
                List.of(new PolicyStats.LatencySample(1.0, 80.0, 42))),
            new PolicyStats(
                "adaptive", Double.NaN, Double.NaN, 0, 0.0, Map.of("demo@a", 0.0), List.of())),
        0.4);
  }

  @Override
  public List<DeploymentView> deployments() {
    return List.of(
        new DeploymentView(
            "a",
            "demo:1",
            "brume",
            DeploymentView.State.READY,
            4_000_000,
            3_000_000,
            1_000_000,
            2.5),
        new DeploymentView(
            "c",
            "demo:1",
            "brume",
            DeploymentView.State.PULLING,
            1_000_000,
            0,
            1_000_000,
            Double.NaN),
        new DeploymentView(
            "a", "demo:1", "docker", DeploymentView.State.READY, 4_000_000, 0, 4_000_000, 7.0),
        new DeploymentView(
            "c", "demo:1", "docker", DeploymentView.State.FAILED, 0, 0, 0, Double.NaN));
  }

  @Override
  public String replicaRuntime() {
    return "in-process servers (sample)";
  }
}
