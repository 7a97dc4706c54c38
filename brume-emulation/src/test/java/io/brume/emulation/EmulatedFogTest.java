package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.coordinate.Coordinate;
import io.brume.coordinate.RttDatasets;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.VivaldiConfig;
import io.brume.dashboard.NodeView;
import io.brume.dashboard.PolicyStats;
import io.brume.testing.Prerequisites;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One short run of the default 12-node fog of production agents, shared by the tests (it takes ~15
 * s to gather).
 */
class EmulatedFogTest {
  private static EmulatedFog fog;

  @BeforeAll
  static void start() {
    FogConfig defaults = FogConfig.defaults(RttDatasets.aws12(), 12);
    fog =
        EmulatedFog.start(
            new FogConfig(
                defaults.dataset(),
                12,
                3,
                defaults.requestsPerSecondPerNode(),
                defaults.serviceTime(),
                defaults.workersPerReplica(),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                "adaptive",
                7L));
  }

  @AfterAll
  static void stop() {
    java.nio.file.Path probeKey = fog.probeKeyDir();
    assertThat(probeKey.resolve("current")).as("the agents' cluster key").exists();

    fog.close(); // throws if a thread of its executor outlives it

    assertThat(Thread.getAllStackTraces().keySet())
        .as("the agents' platform threads are stopped")
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("brume-probe"));
    assertThat(probeKey).as("the cluster key is deleted").doesNotExist();
  }

  @Test
  void coordinatesConvergeFromMeasuredRtts() {
    // 12 nodes × 10 probes/s: each node has ~50 samples after 5 s.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> fog.medianRelativeError() < 0.25);
  }

  @Test
  void theDashboardSeesEveryNodeAndBothPoliciesWeights() {
    await().atMost(Duration.ofSeconds(30)).until(() -> fog.loadSeconds() > 1);

    assertThat(fog.dashboard().nodes())
        .hasSize(12)
        .allSatisfy(node -> assertThat(node.vector()).hasSize(VivaldiConfig.robust().dimensions()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                fog.dashboard().nodes().stream()
                    .allMatch(node -> node.estimatedRttMillis().size() == 11));
    assertThat(fog.dashboard().routing())
        .hasSize(12)
        .allSatisfy(
            route -> {
              assertThat(route.weightsByPolicy()).containsOnlyKeys("random", "adaptive");
              route
                  .weightsByPolicy()
                  .values()
                  .forEach(
                      weights ->
                          assertThat(weights.values().stream().mapToDouble(w -> w).sum())
                              .isCloseTo(1.0, within(1e-9)));
            });
  }

  @Test
  void everyNodesAgentAnswersAtItsAgentUrlWithItsRealCoordinate() throws Exception {
    // Once every agent has accepted samples, its coordinate has left the origin.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                fog.dashboard().nodes().stream()
                    .allMatch(node -> node.estimatedRttMillis().size() == 11));
    ObjectMapper json = new ObjectMapper();
    try (HttpClient http = HttpClient.newHttpClient()) {
      for (NodeView node : fog.dashboard().nodes()) {
        URI agent = node.agentUrl().orElseThrow();
        assertThat(agent.getHost()).isEqualTo("127.0.0.1");
        JsonNode body = json.readTree(get(http, agent.resolve("/v1/coordinate")));
        assertThat(body.get("node").asText()).isEqualTo(node.name());
        JsonNode vector = body.get("coordinate").get("vector");
        assertThat(vector).hasSize(VivaldiConfig.robust().dimensions());
        double[] components = new double[vector.size()];
        for (int k = 0; k < components.length; k++) {
          components[k] = vector.get(k).asDouble();
        }
        Coordinate served =
            new Coordinate(
                components,
                body.get("coordinate").get("error").asDouble(),
                body.get("coordinate").get("adjustment").asDouble(),
                body.get("coordinate").get("height").asDouble());
        assertThat(served.isValid()).isTrue();
        assertThat(served.estimateRttMillis(Coordinate.origin(VivaldiConfig.robust())))
            .as(node.name() + "'s coordinate has moved from the origin")
            .isGreaterThan(1.0);
        assertThat(served.error()).isLessThan(VivaldiConfig.robust().errorMax());
        assertThat(json.readTree(get(http, agent.resolve("/v1/coordinates"))).get("coordinates"))
            .as(node.name() + "'s peers")
            .hasSize(11);
        assertThat(get(http, agent.resolve("/metrics"))).contains("brume_probes_answered_total");
        assertThat(get(http, agent.resolve("/healthz"))).isEqualTo("ok\n");
        assertThat(node.measuredRttMillis()).isNotEmpty();
      }
    }
  }

  private static String get(HttpClient http, URI uri) throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
    return response.body();
  }

  @Test
  void brumesPolicyBeatsRandomOnTheSameTraffic() {
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> fog.dashboard().stats().policies().get(0).requests() >= 200);

    Map<String, PolicyStats> byName =
        fog.dashboard().stats().policies().stream()
            .collect(Collectors.toMap(PolicyStats::name, p -> p));
    PolicyStats random = byName.get("random");
    PolicyStats adaptive = byName.get("adaptive");
    System.out.printf(
        "median relative error %.3f; random mean %.1f p95 %.1f; adaptive mean %.1f p95 %.1f%n",
        fog.medianRelativeError(),
        random.meanLatencyMillis(),
        random.p95LatencyMillis(),
        adaptive.meanLatencyMillis(),
        adaptive.p95LatencyMillis());
    assertThat(adaptive.requests()).isGreaterThan(150);
    // When the machine is so busy that thread wake-ups, not the emulated RTTs, dominate the
    // latency, the comparison says nothing about routing: say so, and fail in CI (where the run
    // must measure) rather than pass empty; elsewhere the test is reported as aborted.
    double expected = expectedRandomMeanMillis();
    boolean measurable = random.meanLatencyMillis() < 1.5 * expected;
    String quiet =
        String.format(
            "a machine quiet enough to compare the policies (random's mean %.0f ms vs %.0f ms"
                + " expected from the RTTs; relay lag %.1f ms)",
            random.meanLatencyMillis(), expected, fog.relayLagMillis());
    if (!measurable) {
      System.out.println("brumesPolicyBeatsRandomOnTheSameTraffic: NOT MEASURED: needs " + quiet);
    }
    Prerequisites.require(measurable, quiet);
    assertThat(adaptive.meanLatencyMillis()).isLessThan(random.meanLatencyMillis());
  }

  /** Mean RTT from a node to a replica drawn uniformly, plus the service time. */
  private static double expectedRandomMeanMillis() {
    RttMatrix data = fog.dataset();
    double sum = 0;
    int count = 0;
    for (int i = 0; i < data.size(); i++) {
      for (String host : fog.replicaHosts()) {
        sum += fog.linkRttMillis(data.name(i), host);
        count++;
      }
    }
    return sum / count + fog.config().serviceTime().toNanos() / 1e6;
  }
}
