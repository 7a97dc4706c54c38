package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpDelayRelayTest {
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void eachRoundTripThroughTheRelayTakesTwiceTheOneWayDelay() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        TcpDelayRelay relay =
            new TcpDelayRelay(
                (java.net.InetSocketAddress) echo.getLocalSocketAddress(),
                Duration.ofMillis(100),
                threads,
                new LagMeter())) {
      threads.execute(() -> echoOnce(echo));
      try (Socket client = new Socket(relay.address().getAddress(), relay.address().getPort())) {
        client.setTcpNoDelay(true);
        OutputStream out = client.getOutputStream();
        DataInputStream in = new DataInputStream(client.getInputStream());
        double[] rtts = new double[4];
        for (int round = 0; round < rtts.length; round++) {
          long start = System.nanoTime();
          out.write(round);
          out.flush();
          assertThat(in.readUnsignedByte()).isEqualTo(round);
          rtts[round] = (System.nanoTime() - start) / 1e6;
        }
        // Every round takes at least the emulated 200 ms. Rounds after the first (which also pays
        // for connecting and warming up) stay well short of 400 ms, the delay applied twice; the
        // slack only absorbs scheduling on a busy machine, so the median is compared.
        assertThat(java.util.Arrays.stream(rtts).min().orElseThrow()).isGreaterThanOrEqualTo(200);
        double[] later = java.util.Arrays.copyOfRange(rtts, 1, rtts.length);
        java.util.Arrays.sort(later);
        assertThat(later[later.length / 2]).isLessThan(200 + 150);
        client.shutdownOutput();
        assertThat(in.read()).as("the echo's end of stream is relayed").isEqualTo(-1);
      }
    }
  }

  @Test
  void closingTheRelayClosesTheConnectionsItCarries() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      TcpDelayRelay relay =
          new TcpDelayRelay(
              (java.net.InetSocketAddress) echo.getLocalSocketAddress(),
              Duration.ofMillis(1),
              threads,
              new LagMeter());
      threads.execute(() -> echoOnce(echo));
      try (Socket client = new Socket(relay.address().getAddress(), relay.address().getPort())) {
        client.setSoTimeout(5_000);
        client.getOutputStream().write(7);
        assertThat(client.getInputStream().read()).isEqualTo(7);

        relay.close();

        int next;
        try {
          next = client.getInputStream().read();
        } catch (IOException reset) {
          next = -1;
        }
        assertThat(next).as("end of stream or reset after close").isEqualTo(-1);
      }
    }
  }

  private static void echoOnce(ServerSocket server) {
    try (Socket socket = server.accept()) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        out.write(b);
        out.flush();
      }
    } catch (IOException e) {
      // the test failed elsewhere or is closing
    }
  }
}
