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
 * {@code brume up --duration 60s} for real, in this JVM, with the page opened in headless Debian
 * Chromium: the demo image reaches every replica's node in both deployment lanes (with bytes from
 * peers in the brume lane), the map must show every node and the charts must have data. Saves a
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
                          "up", "--duration", "60s", "--no-open", "--port", String.valueOf(port)));
                });
    try (HttpClient http = HttpClient.newHttpClient()) {
      URI base = URI.create("http://127.0.0.1:" + port + "/");
      // First the deployment: every replica's node gets the image in both lanes, and in the brume
      // lane some of it comes from peers (two replicas share each site by default).
      await()
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> allReady(json(http, base, "/api/deployments")));
      JsonNode deployments = json(http, base, "/api/deployments");
      List<String> hosts = new ArrayList<>();
      json(http, base, "/api/nodes")
          .forEach(
              node -> {
                if (!node.get("replicas").isEmpty()) {
                  hosts.add(node.get("name").asText());
                }
              });
      assertThat(hosts).hasSize(6);
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

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () ->
                  stats(http, base).get("policies").get("adaptive").get("requests").asLong() > 150);

      JsonNode stats = stats(http, base);
      assertThat(stats.get("policies").has("random")).isTrue();
      assertThat(stats.get("policies").get("random").get("mean_latency_ms").asDouble())
          .isPositive();

      String dom = chromium("--dump-dom", "--virtual-time-budget=5000", base.toString());
      assertThat(count(dom, "class=\"node\"")).as("nodes on the map").isEqualTo(12);
      assertThat(attribute(dom, "map", "data-node-count")).isEqualTo(12);
      assertThat(attribute(dom, "latency", "data-points")).as("latency chart points").isPositive();
      assertThat(attribute(dom, "load", "data-bars")).as("6 replicas × 2 policies").isEqualTo(12);
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
    up.join(Duration.ofSeconds(60));
    assertThat(up.isAlive()).as("--duration stops brume up by itself").isFalse();
    assertThat(exitCode.get()).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("dashboard at http://127.0.0.1:" + port + "/")
        .contains("deploying the demo image")
        .contains("time until all replicas serve: brume")
        .contains("all threads and sockets released");
  }

  private static JsonNode stats(HttpClient http, URI base) throws Exception {
    return json(http, base, "/api/stats");
  }

  private static JsonNode json(HttpClient http, URI base, String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.resolve(path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body());
  }

  /** Whether both lanes list every node and every one is ready. */
  private static boolean allReady(JsonNode deployments) {
    if (deployments.size() != 12) {
      return false;
    }
    for (JsonNode d : deployments) {
      if (!d.get("state").asText().equals("ready")) {
        return false;
      }
    }
    return true;
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
