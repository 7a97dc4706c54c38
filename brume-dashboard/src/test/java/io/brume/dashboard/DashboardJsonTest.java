package io.brume.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardJsonTest {
  private final DashboardJson json = new DashboardJson();
  private final SampleSource source = new SampleSource();

  private static JsonNode reparse(byte[] bytes) throws Exception {
    return new ObjectMapper().readTree(bytes);
  }

  private static List<String> fields(JsonNode node) {
    return node.properties().stream().map(java.util.Map.Entry::getKey).toList();
  }

  @Test
  void nodesIsAnArrayWithOneObjectPerNodeAndTheAgreedFields() throws Exception {
    JsonNode nodes = reparse(json.bytes(json.nodes(source.nodes())));

    assertThat(nodes.isArray()).isTrue();
    assertThat(nodes).hasSize(3);
    JsonNode a = nodes.get(0);
    assertThat(fields(a))
        .containsExactly(
            "name",
            "coordinate",
            "error",
            "estimated_rtt_ms",
            "measured_rtt_ms",
            "replicas",
            "position",
            "agent_url");
    assertThat(a.get("name").asText()).isEqualTo("a");
    assertThat(fields(a.get("coordinate"))).containsExactly("vector", "height", "adjustment");
    assertThat(a.get("coordinate").get("vector")).hasSize(2);
    assertThat(a.get("error").asDouble()).isEqualTo(0.2);
    assertThat(a.get("estimated_rtt_ms").get("x").asDouble()).isEqualTo(12.5);
    assertThat(a.get("measured_rtt_ms").get("x").asDouble()).isEqualTo(11.0);
    assertThat(a.get("replicas").get(0).asText()).isEqualTo("demo@a");
    assertThat(a.get("position")).hasSize(2);
    assertThat(a.get("agent_url").asText()).isEqualTo("http://127.0.0.1:1/");
  }

  @Test
  void deploymentsIsAnArrayWithTheAgreedFieldsAndNullUntilReady() throws Exception {
    JsonNode deployments =
        reparse(
            json.bytes(
                json.deployments(
                    List.of(
                        new DeploymentView(
                            "a", "demo:1", "brume", DeploymentView.State.READY, 10, 7, 3, 1.5),
                        new DeploymentView(
                            "b",
                            "demo:1",
                            "docker",
                            DeploymentView.State.PULLING,
                            4,
                            0,
                            4,
                            Double.NaN)))));

    assertThat(deployments).hasSize(2);
    assertThat(fields(deployments.get(0)))
        .containsExactly(
            "node",
            "image",
            "lane",
            "state",
            "bytes_total",
            "bytes_from_peers",
            "bytes_from_origin",
            "ready_s");
    assertThat(deployments.get(0).get("state").asText()).isEqualTo("ready");
    assertThat(deployments.get(0).get("bytes_from_peers").asLong()).isEqualTo(7);
    assertThat(deployments.get(0).get("ready_s").asDouble()).isEqualTo(1.5);
    assertThat(deployments.get(1).get("state").asText()).isEqualTo("pulling");
    assertThat(deployments.get(1).get("ready_s").isNull()).isTrue();
  }

  @Test
  void routingGivesEachNodesWeightsPerPolicy() throws Exception {
    JsonNode routing = reparse(json.bytes(json.routing(source.routing())));

    assertThat(routing.isArray()).isTrue();
    JsonNode a = routing.get(0);
    assertThat(fields(a)).containsExactly("name", "weights");
    assertThat(a.get("weights").get("random").get("demo@c").asDouble()).isEqualTo(0.5);
    assertThat(a.get("weights").get("adaptive").get("demo@a").asDouble()).isEqualTo(1.0);
  }

  @Test
  void statsHasOneEntryPerPolicyWithTheAgreedNamesAndNullForUnknownNumbers() throws Exception {
    JsonNode stats = reparse(json.bytes(json.stats(source.stats())));

    assertThat(fields(stats))
        .containsExactly("policies", "brume_policy", "uptime_s", "emulation_lag_ms");
    assertThat(stats.get("emulation_lag_ms").asDouble()).isEqualTo(0.4);
    assertThat(fields(stats.get("policies"))).containsExactly("random", "adaptive");
    JsonNode random = stats.get("policies").get("random");
    assertThat(fields(random))
        .containsExactly(
            "mean_latency_ms",
            "p95_latency_ms",
            "requests",
            "max_mean_load",
            "replica_load",
            "series");
    assertThat(random.get("mean_latency_ms").asDouble()).isEqualTo(80.0);
    assertThat(random.get("p95_latency_ms").asDouble()).isEqualTo(150.0);
    assertThat(random.get("requests").asLong()).isEqualTo(42);
    assertThat(random.get("max_mean_load").asDouble()).isEqualTo(0.7);
    assertThat(fields(random.get("series").get(0)))
        .containsExactly("t_s", "mean_latency_ms", "requests");
    assertThat(stats.get("policies").get("adaptive").get("mean_latency_ms").isNull()).isTrue();
    assertThat(stats.get("brume_policy").asText()).isEqualTo("adaptive");
  }
}
