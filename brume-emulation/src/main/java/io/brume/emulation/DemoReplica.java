package io.brume.emulation;

import com.sun.net.httpserver.HttpExchange;
import io.brume.http.EmbeddedHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One replica of the demo service: a real HTTP server on loopback whose every request holds one of
 * {@code workers} slots for {@code serviceTime}, so it serves at most {@code workers / serviceTime}
 * requests per second and queues beyond that, like a small node's CPU would. Requests wait in that
 * queue as long as it takes (no request deadline), up to 4096 in flight.
 */
final class DemoReplica implements AutoCloseable {
  private final String id;
  private final String node;
  private final Duration serviceTime;
  private final int workers;
  private final Semaphore slots;
  private final EmbeddedHttpServer server;
  private final AtomicLong received = new AtomicLong();
  private long receivedAtLastReport;
  private long lastReportNanos = System.nanoTime();
  private volatile CompletableFuture<?> ready = CompletableFuture.completedFuture(null);

  DemoReplica(String id, String node, Duration serviceTime, int workers) {
    this.id = id;
    this.node = node;
    this.serviceTime = serviceTime;
    this.workers = workers;
    this.slots = new Semaphore(workers, true);
    try {
      this.server =
          EmbeddedHttpServer.builder(
                  "brume-demo-replica", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .backlog(256)
              .maxRequests(4096)
              .noRequestTimeout()
              .route("/", this::handle)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start demo replica " + id, e);
    }
  }

  /**
   * Makes requests wait until {@code image} completes (its node has the image committed); they get
   * 503 if it fails.
   */
  void serveWhen(CompletableFuture<?> image) {
    this.ready = image;
  }

  String id() {
    return id;
  }

  /** The node that hosts this replica. */
  String node() {
    return node;
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.address().getPort());
  }

  /** Requests per second this replica serves at most. */
  double capacityRps() {
    return workers / (serviceTime.toNanos() / 1e9);
  }

  /** Requests received since the start. */
  long received() {
    return received.get();
  }

  /**
   * Offered utilisation since the previous call: arrivals per second over capacity, what a replica
   * reports to the routers.
   */
  synchronized double utilisationSinceLastReport() {
    long now = System.nanoTime();
    long count = received.get();
    double seconds = Math.max((now - lastReportNanos) / 1e9, 1e-3);
    double utilisation = (count - receivedAtLastReport) / seconds / capacityRps();
    receivedAtLastReport = count;
    lastReportNanos = now;
    return utilisation;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      received.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      try {
        ready.get();
        slots.acquire();
        try {
          Thread.sleep(serviceTime);
        } finally {
          slots.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        EmbeddedHttpServer.send(exchange, 503, null, new byte[0]);
        return;
      } catch (ExecutionException e) {
        EmbeddedHttpServer.send(exchange, 503, null, new byte[0]); // the image never arrived
        return;
      }
      byte[] body = ("served by " + id + "\n").getBytes(StandardCharsets.UTF_8);
      EmbeddedHttpServer.send(exchange, 200, "text/plain", body);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
