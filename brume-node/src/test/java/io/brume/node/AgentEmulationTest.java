package io.brume.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.VivaldiConfig;
import io.brume.coordinate.VivaldiEvaluation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several agents on loopback whose probes pass through {@link UdpDelayRelay}s adding the RTTs of 8
 * AWS regions (shared/data/rtt/aws_regions32_p50_1y.json, symmetrised): their coordinates converge
 * to a median relative error within 1.5× of the simulated one.
 */
class AgentEmulationTest {
  static final List<String> REGIONS =
      List.of(
          "us-east-1",
          "us-west-2",
          "eu-west-1",
          "eu-central-1",
          "ap-northeast-1",
          "ap-southeast-1",
          "sa-east-1",
          "ap-south-1");
  static final double[][] RTT = {
    {0, 64.1, 69.6, 92.8, 149.3, 218.9, 115.3, 191.0},
    {64.1, 0, 118.3, 142.5, 98.3, 160.5, 174.7, 221.6},
    {69.6, 118.3, 0, 27.1, 201.0, 182.2, 178.2, 125.7},
    {92.8, 142.5, 27.1, 0, 227.4, 160.9, 204.4, 129.0},
    {149.3, 98.3, 201.0, 227.4, 0, 70.6, 257.7, 133.8},
    {218.9, 160.5, 182.2, 160.9, 70.6, 0, 327.4, 63.6},
    {115.3, 174.7, 178.2, 204.4, 257.7, 327.4, 0, 301.4},
    {191.0, 221.6, 125.7, 129.0, 133.8, 63.6, 301.4, 0},
  };

  private final List<Agent> agents = new ArrayList<>();
  private final List<UdpDelayRelay> relays = new ArrayList<>();
  private final ScheduledExecutorService timer = UdpDelayRelay.newTimer();

  @AfterEach
  void tearDown() throws Exception {
    agents.forEach(Agent::stop);
    for (UdpDelayRelay r : relays) {
      r.close();
    }
    timer.shutdownNow();
  }

  @Test
  void coordinatesConvergeThroughDelayRelays() throws Exception {
    int n = REGIONS.size();
    RttMatrix matrix = RttMatrix.of(REGIONS, RTT);
    double simulated =
        VivaldiEvaluation.evaluate(matrix, VivaldiConfig.robust(), 500, 1, 0.0)
            .medianRelativeError();

    UdpDelayRelay[][] relay = new UdpDelayRelay[n][n];
    for (int i = 0; i < n; i++) {
      List<AgentConfig.Peer> peers = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        if (i != j) {
          relay[i][j] = new UdpDelayRelay(RTT[i][j], timer);
          relays.add(relay[i][j]);
          peers.add(new AgentConfig.Peer(REGIONS.get(j), relay[i][j].address()));
        }
      }
      AgentConfig config =
          new AgentConfig(
              REGIONS.get(i),
              new InetSocketAddress("127.0.0.1", 0),
              new InetSocketAddress("127.0.0.1", 0),
              peers,
              Duration.ofMillis(20),
              Duration.ofMillis(1000),
              1000,
              VivaldiConfig.robust(),
              i + 1);
      agents.add(Agent.create(config).start());
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          relay[i][j].target(agents.get(j).probeAddress());
        }
      }
    }

    long start = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(medianError(n)).isLessThanOrEqualTo(1.5 * simulated));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "emulated 8 agents: median relative error %.4f (simulated %.4f) after %.1f s%n",
        medianError(n), simulated, seconds);
    for (int i = 0; i < n; i++) {
      Agent a = agents.get(i);
      assertThat(a.coordinate().isValid()).isTrue();
      assertThat(a.scrapeMetrics()).contains("brume_probes_answered_total");
      assertThat(a.measuredRttMillis()).as("RTTs measured by " + REGIONS.get(i)).isNotEmpty();
      for (var measured : a.measuredRttMillis().entrySet()) {
        // The relays hold each direction for half the RTT: a probe never comes back sooner.
        assertThat(measured.getValue())
            .as(REGIONS.get(i) + " to " + measured.getKey())
            .isGreaterThanOrEqualTo(RTT[i][REGIONS.indexOf(measured.getKey())] - 0.01);
      }
    }
  }

  private double medianError(int n) {
    Coordinate[] c = new Coordinate[n];
    for (int i = 0; i < n; i++) {
      c[i] = agents.get(i).coordinate();
    }
    return VivaldiEvaluation.percentile(
        VivaldiEvaluation.relativeErrors(RttMatrix.of(REGIONS, RTT), c), 0.5);
  }
}
