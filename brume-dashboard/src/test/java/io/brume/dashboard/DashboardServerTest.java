package io.brume.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DashboardServerTest {
  private DashboardServer server;
  private HttpClient client;

  @BeforeEach
  void start() {
    server =
        DashboardServer.start(
            new SampleSource(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    client = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageAndItsAssetsFromTheJar() throws Exception {
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains("<svg id=\"map\"").contains("/app.js");
    assertThat(get("/app.js").body()).contains("/api/stats");
    assertThat(get("/style.css").statusCode()).isEqualTo(200);
  }

  @Test
  void servesTheJsonApiOfTheSource() throws Exception {
    HttpResponse<String> nodes = get("/api/nodes");
    HttpResponse<String> stats = get("/api/stats");

    assertThat(nodes.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(nodes.body())).hasSize(3);
    assertThat(new ObjectMapper().readTree(stats.body()).get("policies").has("random")).isTrue();
    assertThat(get("/api/routing").statusCode()).isEqualTo(200);
    assertThat(get("/api/info").body()).contains("sample fog");
  }

  @Test
  void unknownPathsAre404AndNamed() throws Exception {
    HttpResponse<String> response = get("/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("/nope");
  }

  @Test
  void closeReleasesThePort() throws Exception {
    URI uri = server.uri();
    server.close();

    server =
        DashboardServer.start(
            new SampleSource(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), uri.getPort()));

    assertThat(server.port()).isEqualTo(uri.getPort());
  }
}
