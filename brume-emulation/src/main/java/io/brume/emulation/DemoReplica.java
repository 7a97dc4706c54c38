package io.brume.emulation;

import com.sun.net.httpserver.HttpExchange;
import io.brume.http.EmbeddedHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One replica of the demo service: a real HTTP server on loopback whose every request holds one of
 * {@code workers} slots for {@code serviceTime}, so it serves at most {@code workers / serviceTime}
 * requests per second and queues beyond that, like a small node's CPU would. Requests wait in that
 * queue as long as it takes (no request deadline), up to 4096 in flight.
 *
 * <p>An admitted request's response comes from a {@link ReplicaBackend}: by default {@link
 * InProcessBackend}'s one-line page; with a {@link ContainerReplica}, the page the container's HTTP
 * server returns. The backend is asked while the slot is held, and the slot is held for {@code
 * serviceTime} or for as long as the backend takes, whichever is longer, so the capacity model
 * holds as long as the backend answers within {@code serviceTime}. The replica does not close its
 * backend: whoever started the container (one may back the replicas of both lanes) closes it.
 */
final class DemoReplica implements AutoCloseable {
  private final String id;
  private final String node;
  private final Duration serviceTime;
  private final int workers;
  private final Semaphore slots;
  private final ReplicaBackend backend;
  private final EmbeddedHttpServer server;
  private final AtomicLong received = new AtomicLong();
  private long receivedAtLastReport;
  private long lastReportNanos = System.nanoTime();

  DemoReplica(String id, String node, Duration serviceTime, int workers) {
    this(id, node, serviceTime, workers, new InProcessBackend(id));
  }

  DemoReplica(String id, String node, Duration serviceTime, int workers, ReplicaBackend backend) {
    this.id = id;
    this.backend = backend;
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

  /** How the replica's pages are produced: {@code "in-process"} or the container serving them. */
  String runtime() {
    return backend.describe();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      received.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      ReplicaBackend.Response response;
      try {
        slots.acquire();
        try {
          response = serveForAtLeastTheServiceTime(exchange.getRequestURI());
        } finally {
          slots.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        EmbeddedHttpServer.send(exchange, 503, null, new byte[0]);
        return;
      } catch (IOException e) {
        byte[] body =
            (id + ": " + backend.describe() + " did not answer: " + e.getMessage() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        EmbeddedHttpServer.send(exchange, 502, "text/plain", body);
        return;
      }
      EmbeddedHttpServer.send(exchange, response.status(), response.contentType(), response.body());
    }
  }

  private ReplicaBackend.Response serveForAtLeastTheServiceTime(URI requestUri)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    ReplicaBackend.Response response = backend.serve(requestUri);
    Duration rest = serviceTime.minusNanos(System.nanoTime() - start);
    if (rest.isPositive()) {
      Thread.sleep(rest);
    }
    return response;
  }

  @Override
  public void close() {
    server.close();
  }
}
