package io.brume.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.coordinate.Coordinate;
import io.brume.coordinate.VivaldiConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Agent a;
  private Agent b;

  @AfterEach
  void stop() {
    if (a != null) {
      a.stop();
    }
    if (b != null) {
      b.stop();
    }
  }

  static AgentConfig config(String name, List<AgentConfig.Peer> peers, int port) {
    return new AgentConfig(
        name,
        new InetSocketAddress("127.0.0.1", port),
        new InetSocketAddress("127.0.0.1", 0),
        peers,
        Duration.ofMillis(10),
        Duration.ofMillis(500),
        1000,
        VivaldiConfig.robust(),
        7);
  }

  private static int freeUdpPort() throws Exception {
    try (DatagramChannel c = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }
  }

  private HttpResponse<String> get(Agent agent, String pathAndQuery) throws Exception {
    return get(agent, "GET", pathAndQuery);
  }

  private HttpResponse<String> get(Agent agent, String method, String pathAndQuery)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + pathAndQuery);
    return http.send(
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twoAgentsProbeEachOtherAndServeTheApi() throws Exception {
    int portA = freeUdpPort();
    int portB = freeUdpPort();
    a =
        Agent.create(
                config(
                    "a",
                    List.of(new AgentConfig.Peer("b", new InetSocketAddress("127.0.0.1", portB))),
                    portA))
            .start();
    b =
        Agent.create(
                config(
                    "b",
                    List.of(new AgentConfig.Peer("a", new InetSocketAddress("127.0.0.1", portA))),
                    portB))
            .start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                a.peerCoordinates().containsKey("b")
                    && a.scrapeMetrics().contains("brume_probes_answered_total 1"));

    ObjectMapper json = new ObjectMapper();
    HttpResponse<String> r = get(a, "/v1/coordinate");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode c = json.readTree(r.body());
    assertThat(c.get("node").asText()).isEqualTo("a");
    assertThat(c.get("coordinate").get("vector")).hasSize(16);
    assertThat(c.get("coordinate").has("error")).isTrue();

    JsonNode all = json.readTree(get(a, "/v1/coordinates").body());
    assertThat(all.get("coordinates").has("b")).isTrue();

    JsonNode rtt = json.readTree(get(a, "/v1/rtt?node=b").body());
    assertThat(rtt.get("estimated_rtt_ms").asDouble()).isBetween(0.0, 100.0);
    assertThat(get(a, "/v1/rtt?node=nobody").statusCode()).isEqualTo(404);
    assertThat(get(a, "/v1/rtt").statusCode()).isEqualTo(400);
    assertThat(get(a, "/v1/rtt?node=").statusCode()).isEqualTo(400);
    assertThat(get(a, "/nope").statusCode()).isEqualTo(404);
    assertThat(get(a, "POST", "/v1/coordinate").statusCode()).isEqualTo(405);
    assertThat(get(a, "/healthz").body()).isEqualTo("ok\n");
    HttpResponse<String> metrics = get(a, "/metrics");
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("brume_probes_sent_total")
        .contains("brume_vivaldi_error")
        .contains("brume_http_requests_malformed_total 5.0");
  }

  @Test
  void malformedPacketsAreCountedAndDroppedAndNeverPoisonTheCoordinate() throws Exception {
    int portA = freeUdpPort();
    a =
        Agent.create(
                config(
                    "a",
                    List.of(
                        new AgentConfig.Peer(
                            "b", new InetSocketAddress("127.0.0.1", freeUdpPort()))),
                    portA))
            .start();
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", portA);
    SplittableRandom r = new SplittableRandom(1);
    try (DatagramChannel evil = DatagramChannel.open()) {
      for (int i = 0; i < 200; i++) {
        byte[] garbage = new byte[1 + r.nextInt(300)];
        r.nextBytes(garbage);
        evil.send(ByteBuffer.wrap(garbage), target);
      }
      // Well-formed but from a stranger, and a pong nobody asked for from a known name.
      Coordinate huge = new Coordinate(new double[16], 1, 0, 1e300);
      evil.send(
          ByteBuffer.wrap(new ProbeMessage(ProbeMessage.Type.PING, 1, "stranger", huge).encode()),
          target);
      evil.send(
          ByteBuffer.wrap(new ProbeMessage(ProbeMessage.Type.PONG, 999, "b", huge).encode()),
          target);
      // Wrong dimensions from a known name.
      evil.send(
          ByteBuffer.wrap(
              new ProbeMessage(
                      ProbeMessage.Type.PONG, 1, "b", new Coordinate(new double[2], 1, 0, 0))
                  .encode()),
          target);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(a.scrapeMetrics())
                    .contains("brume_probe_packets_malformed_total 201.0")
                    .contains("brume_probe_packets_unknown_sender_total 1.0")
                    .contains("brume_probe_pongs_unexpected_total 1.0"));
    assertThat(a.coordinate()).isEqualTo(Coordinate.origin(VivaldiConfig.robust()));
    assertThat(get(a, "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void healthzFailsOnceProbingHasStopped() throws Exception {
    a = Agent.create(config("a", List.of(), freeUdpPort())).start();
    assertThat(get(a, "/healthz").statusCode()).isEqualTo(200);

    a.stopProbing();

    HttpResponse<String> health = get(a, "/healthz");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).isEqualTo("probing stopped\n");
  }

  @Test
  void configFile_isParsedAndValidated() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("agent.json"),
            """
            {"node": "edge-1", "listen": "127.0.0.1:7946", "http": "[::1]:8080",
             "peers": [{"name": "edge-2", "address": "10.0.0.2:7946"}],
             "probe_interval_ms": 200, "vivaldi": "serf", "seed": 5}
            """);
    AgentConfig c = AgentConfig.load(f);
    assertThat(c.node()).isEqualTo("edge-1");
    assertThat(c.listen().getPort()).isEqualTo(7946);
    assertThat(c.http().getAddress().isLoopbackAddress()).isTrue();
    assertThat(c.peers()).extracting(AgentConfig.Peer::name).containsExactly("edge-2");
    assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.probeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.vivaldi()).isEqualTo(VivaldiConfig.defaults());
    assertThat(c.seed()).isEqualTo(5);

    assertBad(
        "{\"node\": \"x\", \"listen\": \"127.0.0.1:1\", \"typo\": 1}", "unknown field \"typo\"");
    assertBad("{\"listen\": \"127.0.0.1:1\"}", "missing field \"node\"");
    assertBad("{\"node\": \"x\", \"listen\": \"nohost\"}", "listen must be host:port");
    assertBad("{\"node\": \"x\", \"listen\": \"h:99999\"}", "port out of range");
    assertBad("{\"node\": \"x\", \"listen\": \"h:1\", \"vivaldi\": \"fast\"}", "vivaldi must be");
    assertBad(
        "{\"node\": \"x\", \"listen\": \"h:1\", \"peers\": [{\"name\": \"x\", \"address\": \"h:2\"}]}",
        "is this node itself");
    assertBad(
        "{\"node\": \"x\", \"listen\": \"h:1\", \"probe_interval_ms\": 0}", "probe_interval_ms");
    assertBad(
        "{\"node\": \"x\", \"listen\": \"h:1\", \"probe_timeout_ms\": \"1\"}",
        "must be an integer");
    assertBad("[1]", "must be a JSON object");
    assertBad("{oops", "not valid JSON");
  }

  private void assertBad(String text, String message) throws Exception {
    Path f = Files.writeString(dir.resolve("bad.json"), text);
    assertThatThrownBy(() -> AgentConfig.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.json")
        .hasMessageContaining(message);
  }

  @Test
  void componentsStartAfterAndStopBeforeTheAgent() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    AgentComponent first =
        new AgentComponent() {
          @Override
          public void start(Agent agent) {
            events.add("start first, http " + (agent.httpAddress().getPort() > 0));
          }

          @Override
          public void stop() {
            events.add("stop first");
          }
        };
    AgentComponent failing =
        new AgentComponent() {
          @Override
          public void start(Agent agent) throws Exception {
            throw new java.io.IOException("port taken");
          }

          @Override
          public void stop() {
            events.add("stop failing");
          }

          @Override
          public String toString() {
            return "failing";
          }
        };
    a = Agent.create(config("a", List.of(), freeUdpPort()), List.of(first)).start();
    a.stop();
    assertThat(events).containsExactly("start first, http true", "stop first");
    events.clear();
    Agent broken = Agent.create(config("b", List.of(), freeUdpPort()), List.of(first, failing));
    assertThatThrownBy(broken::start)
        .hasMessageContaining("agent component failing failed to start: port taken");
    assertThat(events).containsExactly("start first, http true", "stop failing", "stop first");
  }

  @Test
  void bindFailureNamesTheAddress() throws Exception {
    try (DatagramChannel taken =
        DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
      Agent agent = Agent.create(config("a", List.of(), port));
      assertThatThrownBy(agent::start).hasMessageContaining("cannot bind UDP probe address");
    }
  }
}
