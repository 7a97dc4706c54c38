package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 6: slowloris connections were held forever (the idle timeout restarts with every
 * byte), and the proxy accepted connections without limit.
 */
class SlowClientsTest {
  private static final String GOOD = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  private final List<Socket> sockets = new ArrayList<>();
  private Replica replica;
  private ProxyServer proxy;

  @AfterEach
  void closeEverything() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (replica != null) {
      replica.close();
    }
  }

  private ProxyServer start(ProxyConfig config) throws IOException {
    proxy = new ProxyServer(config).start();
    return proxy;
  }

  private ProxyConfig config() {
    replica = Replica.start("a");
    return ProxyConfig.http(new InetSocketAddress("127.0.0.1", 0), List.of(replica.endpoint()));
  }

  private Socket connect(String send) throws IOException {
    Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort());
    sockets.add(s);
    if (!send.isEmpty()) {
      s.getOutputStream().write(send.getBytes(StandardCharsets.ISO_8859_1));
    }
    return s;
  }

  private static boolean closedByProxy(Socket s) {
    try {
      s.setSoTimeout(1);
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Test
  void twoThousandSlowlorisConnectionsAreClosedAtTheHeaderDeadlineWhileGoodClientsAreServed()
      throws Exception {
    start(config().withRequestHeaderTimeout(Duration.ofMillis(500)));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      slow.add(connect("GET / HTTP/1.1\r\nHost: x\r\n"));
    }
    // Some of them trickle a header byte every 100 ms: each read succeeds, so only a deadline on
    // the whole head can end them.
    Thread trickle =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      for (Socket s : slow.subList(0, 50)) {
                        s.getOutputStream().write('X');
                      }
                      Thread.sleep(100);
                    }
                  } catch (IOException | InterruptedException e) {
                    // closed by the proxy, or the test is over
                  }
                });
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(RawHttp.exchange(proxy.address(), GOOD)).startsWith("HTTP/1.1 200 ");
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> slow.stream().allMatch(SlowClientsTest::closedByProxy));
    } finally {
      trickle.interrupt();
    }
    assertThat(RawHttp.exchange(proxy.address(), GOOD)).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void aSlowButSteadyRequestWithinTheHeaderDeadlineIsServed() throws Exception {
    start(config().withRequestHeaderTimeout(Duration.ofSeconds(5)));
    Socket s = connect("");
    s.setSoTimeout(10_000);
    for (byte b : GOOD.getBytes(StandardCharsets.ISO_8859_1)) {
      s.getOutputStream().write(b);
      Thread.sleep(5);
    }
    String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(response).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void beyondMaxConnectionsNewConnectionsWaitUntilOneCloses() throws Exception {
    start(config().withMaxConnections(20));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      held.add(connect("")); // silent: idle until the 60 s idle timeout
    }
    Socket waiting = connect(GOOD);
    waiting.setSoTimeout(500);
    InputStream in = waiting.getInputStream();
    try {
      int read = in.read();
      throw new AssertionError("answered although 20 connections were open: " + read);
    } catch (SocketTimeoutException expected) {
      // not accepted yet: waiting in the listen backlog
    }

    held.get(0).close();

    waiting.setSoTimeout(20_000); // generous: a loaded CI machine stalls for seconds
    String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(response).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void closeIsPromptWhileTheAcceptLoopWaitsForASlot() throws Exception {
    start(config().withMaxConnections(2));
    connect("");
    connect("");
    connect(GOOD);
    long started = System.nanoTime();
    proxy.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    proxy = null;
    for (Socket s : sockets.subList(0, 2)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> closedByProxy(s));
    }
  }
}
