package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
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
    return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @Test
  void holdsEachDatagramForTheSendersDelayAndDropsStrangers() throws Exception {
    try (DatagramSocket receiver = loopbackSocket();
        DatagramSocket near = loopbackSocket();
        DatagramSocket far = loopbackSocket();
        DatagramSocket stranger = loopbackSocket()) {
      receiver.setSoTimeout(5_000);
      Map<SocketAddress, Duration> delays =
          Map.of(
              near.getLocalSocketAddress(), Duration.ofMillis(10),
              far.getLocalSocketAddress(), Duration.ofMillis(200));
      try (UdpDelayRelay relay =
          new UdpDelayRelay(receiver.getLocalSocketAddress(), delays, threads, lag)) {
        double[] nearMillis = new double[3];
        double[] farMillis = new double[3];
        for (int round = 0; round < 3; round++) {
          long start = System.nanoTime();
          far.send(new DatagramPacket(new byte[] {2}, 1, relay.address()));
          near.send(new DatagramPacket(new byte[] {1}, 1, relay.address()));
          stranger.send(new DatagramPacket(new byte[] {9}, 1, relay.address()));

          DatagramPacket first = new DatagramPacket(new byte[8], 8);
          receiver.receive(first);
          nearMillis[round] = (System.nanoTime() - start) / 1e6;
          DatagramPacket second = new DatagramPacket(new byte[8], 8);
          receiver.receive(second);
          farMillis[round] = (System.nanoTime() - start) / 1e6;

          assertThat(first.getData()[0])
              .as("the near sender overtakes the far one")
              .isEqualTo((byte) 1);
          assertThat(second.getData()[0]).isEqualTo((byte) 2);
          assertThat(first.getSocketAddress()).isEqualTo(relay.address());
          assertThat(nearMillis[round]).isGreaterThanOrEqualTo(10);
          assertThat(farMillis[round]).isGreaterThanOrEqualTo(200);
        }
        // Upper bounds on the median round only: one scheduling stall on a busy machine is not
        // the relay's fault, a delay applied twice (400 ms) is.
        assertThat(median(nearMillis)).isLessThan(10 + 150);
        assertThat(median(farMillis)).isLessThan(200 + 150);
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.dropped() == 3);
        assertThat(relay.forwarded()).isEqualTo(6);
        lag.endWindow();
        assertThat(lag.meanMillis()).as("lag of the 6 deliveries").isGreaterThanOrEqualTo(0);
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
