package io.brume.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.coordinate.VivaldiConfig;
import io.brume.oci.Digest;
import io.brume.peer.PeerDirectory;
import io.brume.peer.TransferLedger;
import io.brume.store.BlobWriter;
import io.brume.store.ContentStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent hosting the peer server: blobs, the peer directory and the metrics. */
class PeerServingTest {
  private static final String TOKEN = "agent-peer-serving-token-0123456789";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.stop();
    }
    http.close();
  }

  private Agent start(PeerServing serving) {
    AgentConfig config =
        new AgentConfig(
            "edge-1",
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            List.of(new AgentConfig.Peer("edge-2", new InetSocketAddress("10.9.8.7", 7946))),
            Duration.ofSeconds(1),
            Duration.ofMillis(500),
            100,
            VivaldiConfig.robust(),
            7);
    return Agent.create(config, List.of(serving)).start();
  }

  private HttpResponse<String> get(String url, boolean withToken) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (withToken) {
      request.header("Authorization", "Bearer " + TOKEN);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheStoreThePeerDirectoryAndExportsMetrics() throws Exception {
    Path store = dir.resolve("store");
    byte[] blob = "a layer's bytes".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(blob);
    try (ContentStore s = ContentStore.open(store);
        BlobWriter writer = s.blobs().ingest(digest, blob.length)) {
      writer.write(blob);
      writer.commit();
    }
    TransferLedger.Tally tally = new TransferLedger.Tally();
    tally.add(TransferLedger.PEER, 1234);
    tally.add(TransferLedger.REGISTRY, 99);
    TransferLedger.of(store).add(tally);
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    PeerServing serving = new PeerServing(new InetSocketAddress("127.0.0.1", 0), store, token, 2);
    agent = start(serving);
    String base = "http://127.0.0.1:" + serving.address().getPort();

    assertThat(get(base + "/v2/app/blobs/" + digest, false).statusCode()).isEqualTo(401);
    HttpResponse<String> got = get(base + "/v2/app/blobs/" + digest, true);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo("a layer's bytes");

    JsonNode peers = new ObjectMapper().readTree(get(base + "/v2/_brume/peers", true).body());
    PeerDirectory directory = PeerDirectory.parse(peers);
    assertThat(directory.self()).isEqualTo("edge-1");
    assertThat(directory.peers())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo("edge-2");
              assertThat(p.url())
                  .isEqualTo(URI.create("http://10.9.8.7:" + serving.address().getPort()));
            });

    String metrics =
        get("http://127.0.0.1:" + agent.httpAddress().getPort() + "/metrics", false).body();
    assertThat(metrics)
        .contains("brume_peer_served_bytes_total " + (double) blob.length)
        .contains("brume_peer_rejected_unauthorized_total 1.0")
        .contains("brume_image_fetched_bytes_total{source=\"peer\"} 1234.0")
        .contains("brume_image_fetched_bytes_total{source=\"registry\"} 99.0");
  }

  @Test
  void aMissingTokenFileStopsTheAgentWithAClearError() {
    PeerServing serving =
        new PeerServing(
            new InetSocketAddress("127.0.0.1", 0), dir.resolve("store"), dir.resolve("nope"), 2);
    assertThatThrownBy(() -> start(serving))
        .hasMessageContaining(dir.resolve("nope").toString())
        .hasMessageContaining("does not exist");
  }
}
