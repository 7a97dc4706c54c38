package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.testing.Prerequisites;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code brume up --duration 90s} for real, in this JVM, with the page opened in headless Debian
 * Chromium: the map must show every node and the charts must have data, and every node's agent
 * answers at its {@code agent_url} with a real coordinate. The waits are generous (a slow CI
 * machine needed more than 20 s for 150 requests) and {@code --duration} outlasts them. Saves a
 * screenshot ({@code -Dbrume.screenshot=../docs/dashboard.png} refreshes the one the README shows).
 */
class UpCommandE2ETest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  // A routine test run must not rewrite a committed file: the README's screenshot is refreshed only
  // on request, with -Dbrume.screenshot=../docs/dashboard.png; otherwise it lands in target/.
  private static final Path SCREENSHOT =
      Path.of(System.getProperty("brume.screenshot", "target/dashboard.png"));

  @TempDir Path tmp;

  @Test
  void upServesALiveDashboardThatHeadlessChromiumRendersThenStopsByItself() throws Exception {
    Prerequisites.require(Files.isExecutable(CHROMIUM), "Debian's chromium at " + CHROMIUM);
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

      String dom = chromium("--dump-dom", "--virtual-time-budget=5000", base.toString());
      assertThat(count(dom, "class=\"node\"")).as("nodes on the map").isEqualTo(12);
      assertThat(attribute(dom, "map", "data-node-count")).isEqualTo(12);
      assertThat(attribute(dom, "latency", "data-points")).as("latency chart points").isPositive();
      assertThat(attribute(dom, "load", "data-bars")).as("3 replicas × 2 policies").isEqualTo(6);
      assertThat(count(dom, "class=\"route\"")).as("routing lines").isPositive();

      // Then the screenshot the README shows.
      Path png = tmp.resolve("dashboard.png");
      chromium(
          "--screenshot=" + png,
          "--window-size=1280,780",
          "--hide-scrollbars",
          "--virtual-time-budget=5000",
          base.toString());
      assertThat(Files.size(png)).isGreaterThan(10_000);
      Files.createDirectories(SCREENSHOT.getParent());
      Files.copy(png, SCREENSHOT, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    up.join(Duration.ofSeconds(120));
    assertThat(up.isAlive()).as("--duration stops brume up by itself").isFalse();
    assertThat(exitCode.get()).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("dashboard at http://127.0.0.1:" + port + "/")
        .contains("image engine skipped")
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

  /** Runs headless Chromium with a fresh profile and returns its standard output. */
  private String chromium(String... args) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path stdout = tmp.resolve("chromium-" + System.nanoTime() + ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.onExit().get(10, TimeUnit.SECONDS);
    }
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  private static int count(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  private static int attribute(String dom, String id, String attribute) {
    Matcher m =
        Pattern.compile("<svg[^>]*id=\"" + id + "\"[^>]*" + attribute + "=\"(\\d+)\"").matcher(dom);
    assertThat(m.find()).as("svg #" + id + " with " + attribute + " in the DOM").isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
