package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpDelayRelayTest {
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final LagMeter lag = new LagMeter();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private static DatagramSocket loopbackSocket() throws Exception {
    DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout(5_000);
    return socket;
  }

  @Test
  void holdsEachDirectionForTheOneWayDelayAnswersComeBackThroughItAndStrangersAreDropped()
      throws Exception {
    try (DatagramSocket a = loopbackSocket();
        DatagramSocket b = loopbackSocket();
        DatagramSocket stranger = loopbackSocket();
        UdpDelayRelay relay = new UdpDelayRelay(Duration.ofMillis(100), lag)) {
      relay.connect(a.getLocalSocketAddress(), b.getLocalSocketAddress(), threads);
      double[] oneWayMillis = new double[3];
      double[] roundTripMillis = new double[3];
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        a.send(new DatagramPacket(new byte[] {1, (byte) round}, 2, relay.address()));
        stranger.send(new DatagramPacket(new byte[] {9}, 1, relay.address()));

        DatagramPacket ping = new DatagramPacket(new byte[8], 8);
        b.receive(ping);
        oneWayMillis[round] = (System.nanoTime() - start) / 1e6;
        assertThat(ping.getData()[0]).as("a's datagram, not the stranger's").isEqualTo((byte) 1);
        assertThat(ping.getSocketAddress())
            .as("b sees the datagram come from the relay, a's address for b")
            .isEqualTo(relay.address());

        // b answers the source address, as the production prober does: the answer goes to a.
        b.send(new DatagramPacket(new byte[] {2, (byte) round}, 2, ping.getSocketAddress()));
        DatagramPacket pong = new DatagramPacket(new byte[8], 8);
        a.receive(pong);
        roundTripMillis[round] = (System.nanoTime() - start) / 1e6;
        assertThat(pong.getData()[0]).isEqualTo((byte) 2);
        assertThat(pong.getData()[1]).isEqualTo((byte) round);
        assertThat(pong.getSocketAddress()).isEqualTo(relay.address());

        assertThat(oneWayMillis[round]).isGreaterThanOrEqualTo(100);
        assertThat(roundTripMillis[round]).isGreaterThanOrEqualTo(200);
      }
      // Upper bounds on the median round only: one scheduling stall on a busy machine is not the
      // relay's fault, a delay applied twice is.
      assertThat(median(oneWayMillis)).isLessThan(100 + 90);
      assertThat(median(roundTripMillis)).isLessThan(200 + 150);
      await().atMost(Duration.ofSeconds(5)).until(() -> relay.dropped() == 3);
      assertThat(relay.forwarded()).isEqualTo(6);
      lag.endWindow();
      assertThat(lag.meanMillis()).as("lag of the 6 deliveries").isGreaterThanOrEqualTo(0);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
