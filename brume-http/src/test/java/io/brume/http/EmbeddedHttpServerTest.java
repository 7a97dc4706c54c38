package io.brume.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedHttpServerTest {
  private static final String PARTIAL = "GET /hello HTTP/1.1\r\nHost: x\r\n";
  private final List<Socket> sockets = new ArrayList<>();
  private EmbeddedHttpServer server;

  @AfterEach
  void closeEverything() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private EmbeddedHttpServer start(EmbeddedHttpServer.Builder builder) throws IOException {
    server =
        builder
            .route(
                "/hello",
                ex -> {
                  try (ex) {
                    ex.getRequestBody().readAllBytes();
                    EmbeddedHttpServer.send(
                        ex, 200, "text/plain", "hi\n".getBytes(StandardCharsets.UTF_8));
                  }
                })
            .start();
    return server;
  }

  private static EmbeddedHttpServer.Builder loopback() {
    return EmbeddedHttpServer.builder(
        "test-http", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  private Socket connect(String send) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    sockets.add(s);
    s.setSoTimeout(10_000);
    s.getOutputStream().write(send.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    return s;
  }

  /** A complete GET on a fresh connection; the status line. */
  private String get() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return response.lines().findFirst().orElse("");
    }
  }

  /** True once the server has closed {@code s} (end of stream or reset). */
  private static boolean closedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      return in.read() < 0;
    } catch (SocketException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void headersThatNeverEndAreCutAtTheHeaderDeadline() throws IOException {
    start(loopback().headerTimeout(Duration.ofMillis(300)));
    Socket slow = connect(PARTIAL);

    await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(slow));
    assertThat(server.requestsTimedOut()).isEqualTo(1);
    assertThat(get()).isEqualTo("HTTP/1.1 200 OK");
  }

  @Test
  void aBodyThatNeverEndsIsCutAtTheRequestDeadline() throws IOException {
    start(loopback().requestTimeout(Duration.ofMillis(300)));
    Socket slow = connect("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\na");

    await().atMost(Duration.ofSeconds(5)).until(() -> closedByServer(slow));
    assertThat(server.requestsTimedOut()).isEqualTo(1);
  }

  @Test
  void slowlorisConnectionsBeyondTheCapAreEvictedAndGoodClientsAreServedThroughout()
      throws IOException {
    start(loopback().maxRequests(8).headerTimeout(Duration.ofSeconds(30)));
    for (int i = 0; i < 200; i++) {
      connect(PARTIAL);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.requestsEvicted() >= 192);

    for (int i = 0; i < 20; i++) {
      assertThat(get()).isEqualTo("HTTP/1.1 200 OK");
      connect(PARTIAL); // the attack goes on between good requests
    }
    assertThat(server.requestsInFlight()).isLessThanOrEqualTo(16);
    assertThat(server.connectionsRefused()).isZero();
  }

  @Test
  void closeIsPromptWithSlowRequestsInFlightAndReleasesThePort() throws IOException {
    start(loopback().headerTimeout(Duration.ofMinutes(5)));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      slow.add(connect(PARTIAL));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.requestsInFlight() == 20);
    int port = server.address().getPort();

    long started = System.nanoTime();
    server.close();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).isLessThan(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> server.requestsInFlight() == 0);
    for (Socket s : slow) {
      assertThat(closedByServer(s)).isTrue();
    }
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .isInstanceOf(IOException.class);
  }

  @Test
  void aPortInUseIsNamedInTheError() throws IOException {
    start(loopback());
    InetSocketAddress taken = server.address();

    assertThatThrownBy(
            () -> EmbeddedHttpServer.builder("second", taken).route("/", ex -> ex.close()).start())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("second: cannot listen on " + taken);
  }
}
