package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteSimulatorTest {

  private final SimulationConfig config = TestFogs.small();
  private final Fog fog = TestFogs.fog(config, 0.25);

  @Test
  void proximityPoliciesBeatRandomAndAdaptiveStaysNearTheOracle() {
    SimulationReport report = RouteSimulator.simulate(fog, config, RoutingPolicies.NAMES);

    PolicyResult random = report.policies().get("random");
    PolicyResult adaptive = report.policies().get("adaptive");
    double oracle = report.oracle().meanLatencyMillis();
    // Error budgets, seeded: the oracle is the floor, adaptive within 10 % of it at bounded
    // imbalance.
    assertThat(adaptive.meanLatencyMillis()).isLessThan(1.10 * oracle);
    assertThat(adaptive.maxMeanLoad()).isLessThanOrEqualTo(1.25);
    assertThat(adaptive.meanLatencyMillis()).isLessThan(0.5 * random.meanLatencyMillis());
    assertThat(report.policies().get("nearest").meanLatencyMillis())
        .isLessThan(0.6 * random.meanLatencyMillis());
    assertThat(random.maxMeanLoad()).isLessThan(1.1);
    assertThat(report.policies().get("round-robin").maxMeanLoad()).isLessThan(1.02);
    report
        .policies()
        .values()
        .forEach(
            r -> {
              assertThat(r.p95LatencyMillis())
                  .isBetween(r.meanLatencyMillis(), r.p99LatencyMillis());
              assertThat(r.requests()).isGreaterThan(15_000);
            });
  }

  @Test
  void underAHotSpotAdaptiveKeepsEveryReplicaBelowCapacityWhereNearestOverloadsOne() {
    SimulationConfig hot = config.withDemand(0.5, 0.6);
    Fog hotFog = TestFogs.fog(hot, 0.25);

    SimulationReport report = RouteSimulator.simulate(hotFog, hot, List.of("nearest", "adaptive"));

    assertThat(report.policies().get("nearest").maxUtilisation()).isGreaterThan(1.0);
    assertThat(report.policies().get("adaptive").maxUtilisation()).isLessThan(0.9);
    assertThat(report.policies().get("adaptive").meanLatencyMillis())
        .isLessThan(report.policies().get("nearest").meanLatencyMillis());
  }

  @Test
  void alphaTradesProximityForBalance() {
    PolicyResult uniform =
        RouteSimulator.simulate(fog, config.withPolicyParameters(0, 2), List.of("proximity-alpha"))
            .policies()
            .get("proximity-alpha");
    PolicyResult closest =
        RouteSimulator.simulate(
                fog, config.withPolicyParameters(1, 2), List.of("proximity-alpha", "nearest"))
            .policies()
            .get("proximity-alpha");

    assertThat(closest.meanLatencyMillis()).isLessThan(uniform.meanLatencyMillis());
    assertThat(uniform.maxMeanLoad()).isLessThan(closest.maxMeanLoad());
  }

  @Test
  void sameSeedSameNumbers() {
    List<String> names = List.of("proximity-alpha", "adaptive");
    SimulationReport first = RouteSimulator.simulate(fog, config, names);
    SimulationReport second = RouteSimulator.simulate(TestFogs.fog(config, 0.25), config, names);

    assertThat(second.toJson()).isEqualTo(first.toJson());
  }

  @Test
  void jsonHasExactlyTheAgreedFields() {
    String json = RouteSimulator.simulate(fog, config, List.of("nearest")).toJson();

    assertThat(json)
        .matches(
            "\\{\"policies\": \\{\"nearest\": \\{\"mean_latency_ms\": [0-9.]+, \"p95_latency_ms\": [0-9.]+,"
                + " \"p99_latency_ms\": [0-9.]+, \"max_mean_load\": [0-9.]+,"
                + " \"oracle_mean_latency_ms\": [0-9.]+\\}\\}\\}");
  }

  @Test
  void rejectsBadConfigurationsAndNames() {
    assertThatThrownBy(() -> config.withDemand(1.2, 0))
        .hasMessage("route simulation: load must be in (0, 1), got 1.2");
    assertThatThrownBy(() -> config.withTopology(10, 11, SimulationConfig.Placement.RANDOM))
        .hasMessage("route simulation: replicas must be in [1, nodes=10], got 11");
    assertThatThrownBy(() -> config.withPolicyParameters(1.5, 2))
        .hasMessage("route simulation: alpha must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> RouteSimulator.simulate(fog, config, List.of("fastest")))
        .hasMessageStartingWith("unknown routing policy 'fastest'");
    double[][] bad = {{0, Double.NaN}, {1, 0}};
    SimulationConfig two = config.withTopology(2, 1, SimulationConfig.Placement.RANDOM);
    assertThatThrownBy(() -> Fog.build(bad, bad, two))
        .hasMessage("fog: true RTT between nodes 0 and 1 is NaN");
  }
}
