package io.brume.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link ProxyServer} needs. Build with {@link #http} or {@link #tcp} and adjust with
 * the {@code with…} methods.
 *
 * @param protocol L4 TCP (a choice per connection) or L7 HTTP/1.1 (a choice per request)
 * @param listen address to listen on; port 0 picks a free port ({@link ProxyServer#address()})
 * @param endpoints the service's replicas; changed later with {@link ProxyServer#updateEndpoints}
 * @param chooser the routing policy
 * @param healthCheck active health checks
 * @param ejectAfterFailures consecutive failures (connect errors, resets, timeouts, 5xx) that eject
 *     an endpoint
 * @param maxAttempts tries per idempotent HTTP request, each on a different endpoint when possible
 * @param maxBufferedBody request bodies up to this size are buffered so the request can be retried
 * @param connectTimeout timeout of a connection to an endpoint
 * @param responseTimeout longest wait for an endpoint's response head (and between body reads)
 * @param clientIdleTimeout a client connection idle this long between requests is closed (the read
 *     timeouts and the header deadline are enforced by a watchdog ({@code ReadDeadlines}) that
 *     ticks 20 times per the shortest of them (every 10–500 ms), so a timeout fires up to one tick
 *     late)
 * @param requestHeaderTimeout longest time from the first byte of a request to the end of its head
 *     (a slowloris client that trickles its headers is closed after it)
 * @param maxConnections client connections served at once; beyond it the proxy stops accepting (new
 *     connections wait in the listen backlog) until one closes
 * @param dataPlane the L7 proxy's I/O: an event loop (default) or a thread per connection
 */
public record ProxyConfig(
    Protocol protocol,
    InetSocketAddress listen,
    List<Endpoint> endpoints,
    EndpointChooser chooser,
    HealthCheck healthCheck,
    int ejectAfterFailures,
    int maxAttempts,
    int maxBufferedBody,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration clientIdleTimeout,
    Duration requestHeaderTimeout,
    int maxConnections,
    DataPlane dataPlane) {

  /** The proxied protocol. */
  public enum Protocol {
    TCP,
    HTTP
  }

  /**
   * How the L7 proxy moves bytes: one {@link EventLoop} thread for every connection (HTTP only;
   * unusual exchanges move to a connection thread), or one thread per connection (the L4 proxy
   * always runs this way).
   */
  public enum DataPlane {
    EVENT_LOOP,
    THREADS;

    /**
     * The event loop, unless {@code -Dbrume.proxy.io=threads} (which the tests and bench/proxy use
     * to run the same code in both modes).
     */
    static DataPlane byDefault() {
      return parse(System.getProperty("brume.proxy.io", "event-loop"));
    }

    /** {@code event-loop} or {@code threads}, as {@code brume proxy --io} takes it. */
    public static DataPlane parse(String name) {
      return switch (name) {
        case "event-loop" -> EVENT_LOOP;
        case "threads" -> THREADS;
        default ->
            throw new IllegalArgumentException(
                "unknown proxy I/O mode '" + name + "': event-loop or threads");
      };
    }
  }

  public ProxyConfig {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(dataPlane, "dataPlane");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(chooser, "chooser");
    Objects.requireNonNull(healthCheck, "healthCheck");
    Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
    endpoints = List.copyOf(endpoints);
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1, not " + maxConnections);
    }
    if (ejectAfterFailures < 1 || maxAttempts < 1 || maxBufferedBody < 0) {
      throw new IllegalArgumentException(
          "ejectAfterFailures ("
              + ejectAfterFailures
              + ") and maxAttempts ("
              + maxAttempts
              + ") must be >= 1, maxBufferedBody ("
              + maxBufferedBody
              + ") >= 0");
    }
  }

  /**
   * An L7 proxy with round-robin, HTTP health checks on {@code /}, 3 attempts, 10 s for a request
   * head and at most 2,048 client connections (each busy one holds ~75 KB of heap: buffers both
   * ways; the launcher gives {@code brume proxy} a 256 MB heap).
   */
  public static ProxyConfig http(InetSocketAddress listen, List<Endpoint> endpoints) {
    return new ProxyConfig(
        Protocol.HTTP,
        listen,
        endpoints,
        EndpointChoosers.roundRobin(),
        HealthCheck.http("/"),
        3,
        3,
        64 * 1024,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        2048,
        DataPlane.byDefault());
  }

  /** An L4 proxy with round-robin and TCP health checks. */
  public static ProxyConfig tcp(InetSocketAddress listen, List<Endpoint> endpoints) {
    return http(listen, endpoints).withProtocol(Protocol.TCP).withHealthCheck(HealthCheck.tcp());
  }

  public ProxyConfig withProtocol(Protocol value) {
    return new ProxyConfig(
        value,
        listen,
        endpoints,
        chooser,
        healthCheck,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        requestHeaderTimeout,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withChooser(EndpointChooser value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        value,
        healthCheck,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        requestHeaderTimeout,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withHealthCheck(HealthCheck value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        value,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        requestHeaderTimeout,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withEjectAfterFailures(int value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        healthCheck,
        value,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        requestHeaderTimeout,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withMaxAttempts(int value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        healthCheck,
        ejectAfterFailures,
        value,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        requestHeaderTimeout,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withResponseTimeout(Duration value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        healthCheck,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        value,
        clientIdleTimeout,
        requestHeaderTimeout,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withClientIdleTimeout(Duration value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        healthCheck,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        value,
        requestHeaderTimeout,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withRequestHeaderTimeout(Duration value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        healthCheck,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        value,
        maxConnections,
        dataPlane);
  }

  public ProxyConfig withMaxConnections(int value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        healthCheck,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        requestHeaderTimeout,
        value,
        dataPlane);
  }

  /** The same config with {@code value} as its data plane. */
  public ProxyConfig withDataPlane(DataPlane value) {
    return new ProxyConfig(
        protocol,
        listen,
        endpoints,
        chooser,
        healthCheck,
        ejectAfterFailures,
        maxAttempts,
        maxBufferedBody,
        connectTimeout,
        responseTimeout,
        clientIdleTimeout,
        requestHeaderTimeout,
        maxConnections,
        value);
  }
}
