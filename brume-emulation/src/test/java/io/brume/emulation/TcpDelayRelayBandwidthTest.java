package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.registry.TokenBucket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relays' rate limits: bytes through a limited relay take at least size / rate (less the
 * bucket's burst), and relays sharing one bucket split its rate. Lower bounds only, which a busy
 * machine cannot break; the upper bounds are loose and only catch a stuck relay.
 */
class TcpDelayRelayBandwidthTest {
  private static final long RATE = 1_000_000; // bytes/s
  private static final long BURST = RATE / 4; // TokenBucket's burst for this rate

  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
    threads.shutdownNow();
  }

  @Test
  void aResponseTakesAtLeastItsSizeOverTheRate() throws Exception {
    int size = 1_500_000;
    InetSocketAddress source = source(size);
    TokenBucket link = TokenBucket.perSecond(RATE);
    TcpDelayRelay relay = relay(source, new Bandwidth(List.of(), List.of(link)));

    double seconds = timeToRead(relay, size);

    assertThat(seconds).isGreaterThanOrEqualTo((size - BURST) / (double) RATE);
    assertThat(seconds).isLessThan(10 * size / (double) RATE);
  }

  @Test
  void relaysSharingABucketSplitItsRate() throws Exception {
    int size = 800_000;
    TokenBucket shared = TokenBucket.perSecond(RATE);
    List<TcpDelayRelay> relays = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      relays.add(relay(source(size), new Bandwidth(List.of(), List.of(shared))));
    }
    long start = System.nanoTime();
    List<Future<Double>> reads = new ArrayList<>();
    for (TcpDelayRelay relay : relays) {
      reads.add(threads.submit(() -> timeToRead(relay, size)));
    }
    for (Future<Double> read : reads) {
      read.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    // Alone, each would need only (size − burst) / rate ≈ 0.55 s.
    assertThat(seconds).isGreaterThanOrEqualTo((2.0 * size - BURST) / RATE);
  }

  @Test
  void theSlowestBucketOfAPathDecides() throws Exception {
    int size = 1_000_000;
    TokenBucket fast = TokenBucket.perSecond(20 * RATE);
    TokenBucket slow = TokenBucket.perSecond(RATE);
    TcpDelayRelay relay = relay(source(size), new Bandwidth(List.of(), List.of(fast, slow)));

    double seconds = timeToRead(relay, size);

    assertThat(seconds).isGreaterThanOrEqualTo((size - BURST) / (double) RATE);
  }

  @Test
  void requestsPayTheirOwnDirectionOnly() throws Exception {
    int size = 1_500_000;
    TokenBucket requests = TokenBucket.perSecond(RATE / 100);
    TcpDelayRelay relay = relay(source(size), new Bandwidth(List.of(requests), List.of()));

    // The response direction is unlimited: far faster than the request direction's rate.
    assertThat(timeToRead(relay, size)).isLessThan(size / (RATE / 100.0) / 10);
  }

  /** A server that sends {@code size} bytes to every connection and closes it. */
  private InetSocketAddress source(int size) throws IOException {
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    toClose.add(server);
    threads.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket socket = server.accept();
              threads.execute(
                  () -> {
                    try (socket) {
                      socket.getOutputStream().write(new byte[size]);
                    } catch (IOException e) {
                      // the test is closing
                    }
                  });
            } catch (IOException e) {
              return;
            }
          }
        });
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private TcpDelayRelay relay(InetSocketAddress target, Bandwidth bandwidth) {
    TcpDelayRelay relay =
        new TcpDelayRelay(target, Duration.ofMillis(5), bandwidth, threads, new LagMeter());
    toClose.add(relay);
    return relay;
  }

  /** Seconds from connecting until {@code size} bytes and the end of stream arrived. */
  private static double timeToRead(TcpDelayRelay relay, int size) throws IOException {
    long start = System.nanoTime();
    try (Socket client = new Socket(relay.address().getAddress(), relay.address().getPort())) {
      client.setSoTimeout(30_000);
      InputStream in = client.getInputStream();
      long total = 0;
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
      assertThat(total).isEqualTo(size);
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
