package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Read timeouts (enforced by {@link ReadDeadlines}) on both sides of the proxy. */
class ReadTimeoutTest {

  @Test
  void silentEndpointGets504AfterTheResponseTimeout() throws Exception {
    // Accepts connections and never answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> acceptAndHold(silent));
      Endpoint endpoint = new Endpoint("silent", "127.0.0.1", silent.getLocalPort());
      ProxyConfig config =
          ProxyConfig.http(new InetSocketAddress("127.0.0.1", 0), List.of(endpoint))
              .withHealthCheck(HealthCheck.none())
              .withResponseTimeout(Duration.ofMillis(300));
      try (ProxyServer proxy = new ProxyServer(config).start()) {
        long start = System.nanoTime();
        String response = RawHttp.exchange(proxy.address(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response).startsWith("HTTP/1.1 504 ");
        assertThat(elapsedMillis).isBetween(300L, 5_000L);
      }
    }
  }

  @Test
  void idleClientConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Replica replica = Replica.start("a")) {
      ProxyConfig config =
          ProxyConfig.http(new InetSocketAddress("127.0.0.1", 0), List.of(replica.endpoint()))
              .withClientIdleTimeout(Duration.ofMillis(300));
      try (ProxyServer proxy = new ProxyServer(config).start();
          Socket client = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
        client.setSoTimeout(10_000);
        client
            .getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = client.getInputStream();
        long start = System.nanoTime();
        String answered = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        // Answered, then kept open while idle, then closed by the proxy (readAllBytes saw EOF).
        assertThat(answered).startsWith("HTTP/1.1 200 ");
        assertThat(elapsedMillis).isBetween(250L, 5_000L);
      }
    }
  }

  private static void acceptAndHold(ServerSocket server) {
    try {
      while (true) {
        Socket held = server.accept();
        held.getInputStream(); // kept open, never answered, closed with the test
      }
    } catch (IOException e) {
      // Server socket closed at the end of the test.
    }
  }
}
