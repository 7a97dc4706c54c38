package io.brume.kubernetes.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.kubernetes.NodeCoordinate;
import io.brume.kubernetes.PeerNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP against the extender, with request bodies in kube-scheduler's ExtenderArgs format. */
class SchedulerExtenderServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  // edge-1 has most of shop/web's demand but is saturated; edge-2 is 50 ms away and idle; edge-3
  // is 200 ms away; edge-4 runs no brume agent.
  private static final Map<String, PeerNode> PEERS =
      Map.of(
          "edge-1", peer("edge-1", 0, 0.95, Map.of("shop/web", 100L)),
          "edge-2", peer("edge-2", 50, 0.1, Map.of("shop/web", 10L)),
          "edge-3", peer("edge-3", 200, 0.1, Map.of()));

  private final AtomicReference<Map<String, PeerNode>> peers = new AtomicReference<>(PEERS);
  private final HttpClient http = HttpClient.newHttpClient();
  private SchedulerExtenderServer server;

  private static PeerNode peer(String name, double x, double load, Map<String, Long> demand) {
    return new PeerNode(
        name, Optional.of(new NodeCoordinate(new double[] {x, 0}, 0, 0, 0.1)), true, load, demand);
  }

  @BeforeEach
  void start() throws IOException {
    server =
        new SchedulerExtenderServer(
            new InetSocketAddress("127.0.0.1", 0),
            () -> {
              Map<String, PeerNode> p = peers.get();
              if (p == null) {
                throw new IllegalStateException("peer cache broken");
              }
              return p;
            });
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in =
        SchedulerExtenderServerTest.class.getResourceAsStream("/extender/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void filterRemovesNodesTooFarFromDemandAndReturnsTheNodeListUnchanged() throws Exception {
    HttpResponse<String> response = post("/filter", resource("filter-nodes.json"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode result = JSON.readTree(response.body());
    List<String> kept = new ArrayList<>();
    result
        .path("Nodes")
        .path("items")
        .forEach(n -> kept.add(n.path("metadata").path("name").asText()));
    assertThat(kept).containsExactly("edge-1", "edge-2", "edge-4");
    assertThat(
            result
                .path("Nodes")
                .path("items")
                .get(0)
                .path("status")
                .path("allocatable")
                .path("cpu")
                .asText())
        .isEqualTo("4");
    assertThat(result.path("FailedNodes").path("edge-3").asText())
        .contains("shop/web")
        .contains("195.5 ms");
    assertThat(result.path("Error").asText()).isEmpty();
  }

  @Test
  void prioritizeScoresByDemandLatencyAndLoad() throws Exception {
    HttpResponse<String> response = post("/prioritize", resource("prioritize-nodenames.json"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode result = JSON.readTree(response.body());
    assertThat(result.isArray()).isTrue();
    Map<String, Integer> scores = new java.util.LinkedHashMap<>();
    result.forEach(h -> scores.put(h.path("Host").asText(), h.path("Score").asInt()));
    // edge-1: closest to demand but saturated; edge-2: close and idle; edge-3: far; edge-4:
    // unknown.
    assertThat(scores)
        .containsExactly(
            Map.entry("edge-1", 7),
            Map.entry("edge-2", 8),
            Map.entry("edge-3", 3),
            Map.entry("edge-4", 5));
  }

  @Test
  void filterWithNodeNamesAnswersWithNodeNames() throws Exception {
    String body =
        resource("prioritize-nodenames.json")
            .replace(
                "\"labels\"", "\"annotations\": {\"brume.io/max-latency-ms\": \"40\"}, \"labels\"");

    JsonNode result = JSON.readTree(post("/filter", body).body());

    List<String> kept = new ArrayList<>();
    result.path("NodeNames").forEach(n -> kept.add(n.asText()));
    assertThat(kept).containsExactly("edge-1", "edge-4");
    assertThat(result.path("FailedNodes").properties()).hasSize(2);
  }

  @Test
  void malformedRequestsGetAClear400() throws Exception {
    HttpResponse<String> notJson = post("/prioritize", "{\"Pod\": ");
    HttpResponse<String> noPod = post("/filter", "{\"NodeNames\": [\"a\"]}");
    HttpResponse<String> noNodes = post("/prioritize", "{\"Pod\": {\"metadata\": {}}}");

    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(notJson.body()).path("Error").asText()).contains("not valid JSON");
    assertThat(noPod.statusCode()).isEqualTo(400);
    assertThat(noPod.body()).contains("ExtenderArgs.Pod");
    assertThat(noNodes.statusCode()).isEqualTo(400);
    assertThat(noNodes.body()).contains("neither Nodes nor NodeNames");
  }

  @Test
  void anInternalFailureDegradesToNeutralScores() throws Exception {
    peers.set(null);

    HttpResponse<String> response = post("/prioritize", resource("prioritize-nodenames.json"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode result = JSON.readTree(response.body());
    assertThat(result).hasSize(4);
    result.forEach(h -> assertThat(h.path("Score").asInt()).isEqualTo(NodeScorer.NEUTRAL_SCORE));
  }

  @Test
  void healthzAnswersOkForTheKubeletsProbes() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/healthz");
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }
}
