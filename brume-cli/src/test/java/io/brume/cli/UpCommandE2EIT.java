package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.testing.HeadlessChromium;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code brume up --duration 90s} for real, in this JVM, with the page opened in headless Debian
 * Chromium: the demo image reaches every replica's node in both deployment lanes (with bytes from
 * peers in the brume lane), every node's production agent answers at its {@code agent_url} with a
 * real coordinate, the deployment panel, the map and the charts have data. The waits are generous
 * (a slow CI machine once needed more than 20 s for 150 requests) and {@code --duration} outlasts
 * them. Saves a screenshot ({@code -Dbrume.screenshot=../docs/dashboard.png} refreshes the one the
 * README shows).
 */
class UpCommandE2EIT {
  // A routine test run must not rewrite a committed file: the README's screenshot is refreshed only
  // on request, with -Dbrume.screenshot=../docs/dashboard.png; otherwise it lands in target/.
  private static final Path SCREENSHOT =
      Path.of(System.getProperty("brume.screenshot", "target/dashboard.png"));

  /** Six replicas in three sites of two (the defaults), so twelve deployments in two lanes. */
  private static final int REPLICAS = 6;

  @TempDir Path tmp;

  @Test
  void upDeploysTheImageThenServesALiveDashboardThatHeadlessChromiumRendersThenStopsByItself()
      throws Exception {
    HeadlessChromium chromium = HeadlessChromium.in(tmp);
    int port = freePort();
    StringWriter out = new StringWriter();
    AtomicInteger exitCode = new AtomicInteger(-1);
    Thread up =
        Thread.ofPlatform()
            .name("brume-up-e2e")
            .start(
                () -> {
                  CommandLine commandLine = Main.commandLine();
                  commandLine.setOut(new PrintWriter(out, true));
                  commandLine.setErr(new PrintWriter(out, true));
                  exitCode.set(
                      commandLine.execute(
                          "up", "--duration", "90s", "--no-open", "--port", String.valueOf(port)));
                });
    try (HttpClient http = HttpClient.newHttpClient()) {
      URI base = URI.create("http://127.0.0.1:" + port + "/");
      // First the deployment: every replica's node gets the image in both lanes, and in the brume
      // lane some of it comes from peers (two replicas share each site by default).
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> allReady(get(http, base.resolve("/api/deployments"))));
      JsonNode deployments = get(http, base.resolve("/api/deployments"));
      List<String> hosts = new ArrayList<>();
      get(http, base.resolve("/api/nodes"))
          .forEach(
              node -> {
                if (!node.get("replicas").isEmpty()) {
                  hosts.add(node.get("name").asText());
                }
              });
      assertThat(hosts).hasSize(REPLICAS);
      for (String lane : List.of("brume", "docker")) {
        List<String> ready = new ArrayList<>();
        deployments.forEach(
            d -> {
              if (d.get("lane").asText().equals(lane) && d.get("state").asText().equals("ready")) {
                ready.add(d.get("node").asText());
              }
            });
        assertThat(ready).as(lane + " lane").containsExactlyInAnyOrderElementsOf(hosts);
      }
      long fromPeers = 0;
      for (JsonNode d : deployments) {
        if (d.get("lane").asText().equals("brume")) {
          fromPeers += d.get("bytes_from_peers").asLong();
        }
      }
      assertThat(fromPeers).as("brume lane bytes_from_peers").isPositive();

      // Then the routing comparison on the deployed replicas.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () ->
                  stats(http, base).get("policies").get("adaptive").get("requests").asLong() > 150);
      JsonNode stats = stats(http, base);
      assertThat(stats.get("policies").has("random")).isTrue();
      assertThat(stats.get("policies").get("random").get("mean_latency_ms").asDouble())
          .isPositive();

      // Every node hosts the production agent: its API answers with the node's coordinate.
      JsonNode nodes = get(http, base.resolve("/api/nodes"));
      assertThat(nodes).hasSize(12);
      for (JsonNode node : nodes) {
        String name = node.get("name").asText();
        assertThat(node.get("agent_url").isTextual()).as(name + "'s agent_url").isTrue();
        JsonNode answer =
            get(http, URI.create(node.get("agent_url").asText()).resolve("/v1/coordinate"));
        assertThat(answer.get("node").asText()).isEqualTo(name);
        JsonNode vector = answer.get("coordinate").get("vector");
        assertThat(vector.size()).as(name + "'s coordinate dimensions").isPositive();
        double squared = 0;
        for (JsonNode component : vector) {
          assertThat(Double.isFinite(component.asDouble())).isTrue();
          squared += component.asDouble() * component.asDouble();
        }
        assertThat(squared).as(name + "'s coordinate has left the origin").isPositive();
        assertThat(answer.get("coordinate").get("error").asDouble()).isBetween(0.0, 1.5);
      }

      String dom = chromium.dumpDom(base, 5000);
      assertThat(number(dom, "table", "deployments", "data-rows")).isEqualTo(2 * REPLICAS);
      assertThat(number(dom, "table", "deployments", "data-ready")).isEqualTo(2 * REPLICAS);
      assertThat(dom).contains("data-lane=\"brume\"").contains("data-lane=\"docker\"");
      assertThat(count(dom, "class=\"node\"")).as("nodes on the map").isEqualTo(12);
      assertThat(number(dom, "svg", "map", "data-node-count")).isEqualTo(12);
      assertThat(number(dom, "svg", "latency", "data-points")).as("latency points").isPositive();
      assertThat(number(dom, "svg", "load", "data-bars"))
          .as("6 replicas × 2 policies")
          .isEqualTo(2 * REPLICAS);
      assertThat(count(dom, "class=\"route\"")).as("routing lines").isPositive();

      // Then the screenshot the README shows.
      Path png = tmp.resolve("dashboard.png");
      chromium.screenshot(base, png, 1280, 900, 5000);
      assertThat(Files.size(png)).isGreaterThan(10_000);
      Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
      Files.copy(png, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
    up.join(Duration.ofSeconds(120));
    assertThat(up.isAlive()).as("--duration stops brume up by itself").isFalse();
    assertThat(exitCode.get()).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("dashboard at http://127.0.0.1:" + port + "/")
        .contains("deploying the demo image")
        .contains("time until all replicas serve: brume")
        .contains("all threads and sockets released");
  }

  private static JsonNode stats(HttpClient http, URI base) throws Exception {
    return get(http, base.resolve("/api/stats"));
  }

  private static JsonNode get(HttpClient http, URI uri) throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  private static boolean allReady(JsonNode deployments) {
    if (deployments.size() != 2 * REPLICAS) {
      return false;
    }
    for (JsonNode d : deployments) {
      if (!d.get("state").asText().equals("ready")) {
        return false;
      }
    }
    return true;
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  private static int number(String dom, String tag, String id, String attribute) {
    Matcher m =
        Pattern.compile("<" + tag + "[^>]*id=\"" + id + "\"[^>]*" + attribute + "=\"(\\d+)\"")
            .matcher(dom);
    assertThat(m.find()).as(tag + " #" + id + " with " + attribute + " in the DOM").isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
