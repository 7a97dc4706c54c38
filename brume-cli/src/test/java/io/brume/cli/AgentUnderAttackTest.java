package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.node.Agent;
import io.brume.node.AgentConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 1: 1,000 connections that send {@code GET /healthz HTTP/1.1\r\nHost: x\r\n} and
 * never finish killed the agent (OutOfMemoryError in its 32 MB heap, probing stopped, SIGTERM
 * ignored for 12 s). Runs the real CLI in a child JVM with the launcher's flags for {@code agent},
 * next to an in-process peer, and checks that the API keeps answering, probing goes on, the
 * attack's connections are closed, and SIGTERM ends the agent within 2 s.
 */
class AgentUnderAttackTest {
  private static final byte[] PARTIAL =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int ATTACKERS = 1_000;
  private static final Pattern STARTED = Pattern.compile("HTTP on http://([^ ]+):(\\d+),");

  @TempDir Path dir;
  private final List<Socket> attack = new ArrayList<>();
  private final StringBuilder childOutput = new StringBuilder();
  private Process child;
  private Agent peer;

  @AfterEach
  void cleanUp() throws IOException {
    closeAttack();
    if (child != null) {
      child.destroyForcibly();
    }
    if (peer != null) {
      peer.close();
    }
  }

  @Test
  void aThousandUnfinishedRequestsNeitherKillTheApiNorStopProbing() throws Exception {
    int aProbePort = freeUdpPort();
    int bProbePort = freeUdpPort();
    Path configB = Files.writeString(dir.resolve("b.json"), json("b", bProbePort, "a", aProbePort));
    peer = Agent.create(AgentConfig.load(configB)).start();
    Path configA = dir.resolve("a.json");
    Files.writeString(configA, json("a", aProbePort, "b", bProbePort));
    InetSocketAddress api = startChild(configA);
    await("a answers b's pings").atMost(Duration.ofSeconds(30)).until(() -> answered() > 0);

    for (int wave = 1; wave <= 2; wave++) {
      double answeredBefore = answered();
      double pingsFromABefore = pongsSentByB();
      openAttack(api);
      // Good clients are served throughout, also while the attack's headers are still pending.
      long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      int served = 0;
      while (System.nanoTime() < end) {
        assertThat(healthz(api)).as("wave %d, request %d", wave, served).isEqualTo(200);
        served++;
        Thread.sleep(100);
      }
      assertThat(served).isGreaterThan(10);
      await("the attack's connections are closed (header deadline or eviction)")
          .atMost(Duration.ofSeconds(15))
          .until(this::attackClosedByServer);
      await("probing goes on both ways")
          .atMost(Duration.ofSeconds(15))
          .until(() -> answered() > answeredBefore && pongsSentByB() > pingsFromABefore);
      closeAttack();
    }
    assertThat(child.isAlive()).isTrue();
    assertThat(healthz(api)).isEqualTo(200);

    openAttack(api); // SIGTERM must be prompt, attack in progress or not
    long stopping = System.nanoTime();
    child.destroy();
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Duration shutdown = Duration.ofNanos(System.nanoTime() - stopping);
    System.out.printf(
        "AgentUnderAttackTest: SIGTERM to exit %d ms with %d attack connections open%n",
        shutdown.toMillis(), attack.size());
    assertThat(shutdown).isLessThan(Duration.ofSeconds(2));
    assertThat(output()).doesNotContain("OutOfMemoryError");
  }

  private InetSocketAddress startChild(Path config) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Launcher.jvmOptions("agent"));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "agent",
            "--config",
            config.toString()));
    child = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<InetSocketAddress> address = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (childOutput) {
                    childOutput.append(line).append('\n');
                  }
                  Matcher m = STARTED.matcher(line);
                  if (m.find()) {
                    address.complete(
                        new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
                  }
                }
              } catch (IOException e) {
                // the child ended
              }
              address.completeExceptionally(new IOException("agent ended: " + output()));
            });
    return address.orTimeout(60, TimeUnit.SECONDS).join();
  }

  private String output() {
    synchronized (childOutput) {
      return childOutput.toString();
    }
  }

  private void openAttack(InetSocketAddress api) throws IOException {
    for (int i = 0; i < ATTACKERS; i++) {
      Socket s = new Socket();
      attack.add(s);
      s.connect(api, 5_000);
      s.getOutputStream().write(PARTIAL);
    }
  }

  private boolean attackClosedByServer() {
    for (Socket s : attack) {
      try {
        s.setSoTimeout(1);
        if (s.getInputStream().read() >= 0) {
          return false;
        }
      } catch (SocketException e) {
        // reset: closed by the server
      } catch (IOException e) {
        return false; // still open (read timed out)
      }
    }
    return true;
  }

  private void closeAttack() throws IOException {
    for (Socket s : attack) {
      s.close();
    }
    attack.clear();
  }

  /** Status of one GET /healthz on a fresh connection, 5 s at most. */
  private static int healthz(InetSocketAddress api) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(api, 5_000);
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      return status.startsWith("HTTP/1.1 ") ? Integer.parseInt(status.substring(9, 12)) : -1;
    }
  }

  /** b's pings answered by a. */
  private double answered() {
    return counter("brume_probes_answered_total");
  }

  /** Pongs b sent in answer to a's pings. */
  private double pongsSentByB() {
    return counter("brume_pongs_sent_total");
  }

  private double counter(String name) {
    return peer.scrapeMetrics()
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static String json(String node, int port, String peerName, int peerPort) {
    return """
        {"node": "%s", "listen": "127.0.0.1:%d", "http": "127.0.0.1:0",
         "peers": [{"name": "%s", "address": "127.0.0.1:%d"}],
         "probe_interval_ms": 200, "probe_timeout_ms": 500}
        """
        .formatted(node, port, peerName, peerPort);
  }

  private static int freeUdpPort() throws SocketException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
