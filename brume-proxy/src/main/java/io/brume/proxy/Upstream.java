package io.brume.proxy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's state for one endpoint: status, requests in flight, consecutive failures and a pool
 * of idle keep-alive connections. Status changes go through {@link UpstreamSet}.
 */
final class Upstream {
  /**
   * Idle pooled connections older than this are closed rather than reused: servers commonly close
   * idle keep-alive connections after 5 s, and a request on a connection closed under us fails.
   */
  static final long MAX_IDLE_NANOS = Duration.ofSeconds(4).toNanos();

  static final int MAX_IDLE_CONNECTIONS = 256;

  private final Endpoint endpoint;
  private final ConcurrentLinkedDeque<UpstreamConnection> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  final AtomicInteger outstanding = new AtomicInteger();
  final AtomicInteger consecutiveFailures = new AtomicInteger();
  volatile EndpointStatus status = EndpointStatus.READY;
  volatile long ejectedAtNanos;

  Upstream(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /** A pooled connection (most recently used first), or a new one when none is usable. */
  UpstreamConnection acquire(ProxyConfig config, ReadDeadlines deadlines) throws IOException {
    long now = System.nanoTime();
    UpstreamConnection connection;
    while ((connection = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      if (now - connection.idleSinceNanos() < MAX_IDLE_NANOS && connection.canBeReused()) {
        return connection;
      }
      connection.close();
    }
    return fresh(config, deadlines);
  }

  UpstreamConnection fresh(ProxyConfig config, ReadDeadlines deadlines) throws IOException {
    return UpstreamConnection.open(
        endpoint.socketAddress(), config.connectTimeout(), deadlines, config.responseTimeout());
  }

  /** Returns a connection whose last exchange completed cleanly to the pool. */
  void release(UpstreamConnection connection) {
    if (status == EndpointStatus.READY && connection.canBeReused()) {
      if (idleCount.incrementAndGet() <= MAX_IDLE_CONNECTIONS) {
        connection.markIdle(System.nanoTime());
        idle.offerFirst(connection);
        return;
      }
      idleCount.decrementAndGet();
    }
    connection.close();
  }

  /** Closes every idle connection, e.g. after a failure or when the endpoint leaves. */
  void closeIdle() {
    UpstreamConnection connection;
    while ((connection = idle.pollFirst()) != null) {
      idleCount.decrementAndGet();
      connection.close();
    }
  }
}
