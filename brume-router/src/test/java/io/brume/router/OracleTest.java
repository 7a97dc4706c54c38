package io.brume.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The oracle is a floor: no policy's mean or percentile may be below it, at any size. (It used to
 * be "every request to the truly nearest replica", which overloads that replica as soon as
 * true-nearest cells are unbalanced — 2,731 ms on PlanetLab490 with 490 nodes and 20 replicas,
 * where adaptive got 28 ms.)
 */
class OracleTest {

  private static final double ROUNDING = 1e-9;

  @ParameterizedTest(name = "{0} nodes, {1} replicas, hot spot {2}, seed {3}")
  @CsvSource({
    "24, 4, 0, 1",
    "24, 4, 0.6, 2",
    "60, 8, 0, 3",
    "60, 8, 0.5, 4",
    "120, 16, 0, 5",
    "120, 20, 0, 6",
    "200, 20, 0.3, 7"
  })
  void noPolicyIsFasterThanTheOracle(int nodes, int replicas, double hotspot, long seed) {
    SimulationConfig config =
        TestFogs.small()
            .withTopology(nodes, replicas, SimulationConfig.Placement.BALANCED)
            .withDemand(0.5, hotspot)
            .withDuration(10, 2)
            .withSeed(seed);
    Fog fog = TestFogs.fog(config, 0.3);

    SimulationReport report = RouteSimulator.simulate(fog, config, RoutingPolicies.NAMES);

    PolicyResult oracle = report.oracle();
    assertThat(oracle.requests()).isPositive();
    for (Map.Entry<String, PolicyResult> entry : report.policies().entrySet()) {
      PolicyResult policy = entry.getValue();
      assertThat(policy.requests()).as(entry.getKey()).isEqualTo(oracle.requests());
      assertThat(oracle.meanLatencyMillis())
          .as(entry.getKey() + " mean")
          .isLessThanOrEqualTo(policy.meanLatencyMillis() * (1 + ROUNDING));
      assertThat(oracle.p95LatencyMillis())
          .as(entry.getKey() + " p95")
          .isLessThanOrEqualTo(policy.p95LatencyMillis() * (1 + ROUNDING));
      assertThat(oracle.p99LatencyMillis())
          .as(entry.getKey() + " p99")
          .isLessThanOrEqualTo(policy.p99LatencyMillis() * (1 + ROUNDING));
    }
  }

  @Test
  void staysAFloorWhereTrulyNearestRoutingWouldOverloadAReplica() {
    SimulationConfig config = TestFogs.small().withDemand(0.5, 0.6).withDuration(10, 2).withSeed(3);
    Fog fog = TestFogs.fog(config, 0.25);

    SimulationReport report = RouteSimulator.simulate(fog, config, java.util.List.of("adaptive"));

    // Its load columns are those of sending every request to its truly nearest replica: past
    // capacity here, which is what made the old simulated oracle's queue grow without bound.
    assertThat(report.oracle().maxUtilisation()).isGreaterThan(1.0);
    assertThat(report.oracle().meanLatencyMillis())
        .isLessThan(report.policies().get("adaptive").meanLatencyMillis());
    assertThat(report.oracle().p99LatencyMillis())
        .isLessThan(report.policies().get("adaptive").p99LatencyMillis());
  }
}
