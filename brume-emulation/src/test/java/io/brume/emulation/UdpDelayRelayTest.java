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
              far.getLocalSocketAddress(), Duration.ofMillis(120));
      try (UdpDelayRelay relay =
          new UdpDelayRelay(receiver.getLocalSocketAddress(), delays, threads)) {
        long start = System.nanoTime();
        far.send(new DatagramPacket(new byte[] {2}, 1, relay.address()));
        near.send(new DatagramPacket(new byte[] {1}, 1, relay.address()));
        stranger.send(new DatagramPacket(new byte[] {9}, 1, relay.address()));

        DatagramPacket first = new DatagramPacket(new byte[8], 8);
        receiver.receive(first);
        double firstMillis = (System.nanoTime() - start) / 1e6;
        DatagramPacket second = new DatagramPacket(new byte[8], 8);
        receiver.receive(second);
        double secondMillis = (System.nanoTime() - start) / 1e6;

        assertThat(first.getData()[0])
            .as("the near sender overtakes the far one")
            .isEqualTo((byte) 1);
        assertThat(firstMillis).isGreaterThanOrEqualTo(10).isLessThan(10 + 100);
        assertThat(second.getData()[0]).isEqualTo((byte) 2);
        assertThat(secondMillis).isGreaterThanOrEqualTo(120).isLessThan(120 + 100);
        assertThat(first.getSocketAddress()).isEqualTo(relay.address());
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.dropped() == 1);
        assertThat(relay.forwarded()).isEqualTo(2);
      }
    }
  }
}
