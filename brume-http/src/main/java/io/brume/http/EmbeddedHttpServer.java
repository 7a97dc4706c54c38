package io.brume.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP/1.1 server for brume's APIs (the agent's, the dashboard's, the scheduler extender's,
 * the demo service's), on the JDK's {@code com.sun.net.httpserver}, hardened for a server that
 * faces a network:
 *
 * <ul>
 *   <li>at most {@code maxRequests} requests in flight, each on its own virtual thread; when full,
 *       the request that has waited longest for its headers is evicted (see {@link RequestGuard});
 *   <li>a deadline for the request line and headers ({@code headerTimeout}, default 10 s) and for
 *       the whole request, body and response included ({@code requestTimeout}, default 30 s);
 *   <li>JVM-wide limits of the JDK server set once (unless given with {@code -D}): at most 4096
 *       open connections per server ({@code jdk.httpserver.maxConnections}: beyond that a
 *       connection is closed at accept, instead of the dispatcher failing on the file-descriptor
 *       limit in a loop) and 32 KB of request headers ({@code sun.net.httpserver.maxReqHeaderSize},
 *       380 KB by default). Idle and silent connections are closed by the JDK after 30 s ({@code
 *       sun.net.httpserver.idleInterval}).
 * </ul>
 *
 * Build with {@link #builder}, add routes, {@link Builder#start()}; {@link #close()} stops
 * accepting, closes every connection and ends every request thread.
 */
public final class EmbeddedHttpServer implements AutoCloseable {
  static {
    defaultProperty("jdk.httpserver.maxConnections", "4096");
    defaultProperty("sun.net.httpserver.maxReqHeaderSize", String.valueOf(32 * 1024));
  }

  private final HttpServer server;
  private final RequestGuard guard;
  private final int stopDelaySeconds;

  private EmbeddedHttpServer(HttpServer server, RequestGuard guard, int stopDelaySeconds) {
    this.server = server;
    this.guard = guard;
    this.stopDelaySeconds = stopDelaySeconds;
  }

  /**
   * A server to be bound on {@code address} (port 0 picks a free port).
   *
   * @param name names the threads and the log lines, e.g. {@code brume-agent-http}
   */
  public static Builder builder(String name, InetSocketAddress address) {
    return new Builder(name, address);
  }

  /** The bound address, with the real port. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Requests in flight now (evicted ones included until their thread has ended). */
  public int requestsInFlight() {
    return guard.inFlight();
  }

  /** Requests closed so far at their header or request deadline. */
  public long requestsTimedOut() {
    return guard.timedOut();
  }

  /** Requests evicted so far while waiting for their headers, to make room for new ones. */
  public long requestsEvicted() {
    return guard.evicted();
  }

  /** Connections refused so far because every request in flight was past its headers. */
  public long connectionsRefused() {
    return guard.refused();
  }

  /**
   * Stops accepting, waits up to the builder's stop delay for requests in flight, then closes every
   * connection and interrupts the request threads left.
   */
  @Override
  public void close() {
    server.stop(stopDelaySeconds);
    guard.close();
  }

  /**
   * Sends a complete response: {@code status}, {@code Content-Type} (unless null) and {@code body}.
   * No body is written for HEAD requests, 204 and 304, or an empty {@code body}.
   */
  public static void send(
      HttpExchange exchange, int status, @Nullable String contentType, byte[] body)
      throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    boolean noBody =
        body.length == 0
            || status == 204
            || status == 304
            || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Settings and routes of an {@link EmbeddedHttpServer}. */
  public static final class Builder {
    private final String name;
    private final InetSocketAddress address;
    private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
    private int backlog = 64;
    private int maxRequests = 64;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int stopDelaySeconds;

    private Builder(String name, InetSocketAddress address) {
      this.name = Objects.requireNonNull(name, "name");
      this.address = Objects.requireNonNull(address, "address");
    }

    /** Handles requests whose path starts with {@code pathPrefix} (the JDK's context rules). */
    public Builder route(String pathPrefix, HttpHandler handler) {
      routes.put(pathPrefix, Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** The listen backlog (default 64). */
    public Builder backlog(int value) {
      backlog = positive("backlog", value);
      return this;
    }

    /** Requests in flight at most, before the slowest to send its headers is evicted (64). */
    public Builder maxRequests(int value) {
      maxRequests = positive("maxRequests", value);
      return this;
    }

    /** Longest time from a request's first byte to the end of its headers (default 10 s). */
    public Builder headerTimeout(Duration value) {
      headerTimeout = positive("headerTimeout", value);
      return this;
    }

    /**
     * Longest time from the end of a request's headers until its response is written, body included
     * (default 30 s).
     */
    public Builder requestTimeout(Duration value) {
      requestTimeout = positive("requestTimeout", value);
      return this;
    }

    /** No overall deadline once the headers are read: for handlers that queue on purpose. */
    public Builder noRequestTimeout() {
      requestTimeout = Duration.ZERO;
      return this;
    }

    /** How long {@link #close()} waits for requests in flight, in whole seconds (default 0). */
    public Builder stopDelaySeconds(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("stopDelaySeconds must be >= 0, not " + value);
      }
      stopDelaySeconds = value;
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException naming the server and the address when it cannot be bound
     */
    public EmbeddedHttpServer start() throws IOException {
      if (routes.isEmpty()) {
        throw new IllegalStateException(name + ": no routes");
      }
      HttpServer server;
      try {
        server = HttpServer.create(address, backlog);
      } catch (IOException e) {
        throw new IOException(name + ": cannot listen on " + address + ": " + e.getMessage(), e);
      }
      RequestGuard guard = new RequestGuard(name, maxRequests, headerTimeout, requestTimeout);
      server.setExecutor(guard);
      routes.forEach((path, handler) -> server.createContext(path, guarded(guard, handler)));
      server.start();
      return new EmbeddedHttpServer(server, guard, stopDelaySeconds);
    }

    private static HttpHandler guarded(RequestGuard guard, HttpHandler handler) {
      return exchange -> {
        if (!guard.headersDone()) {
          exchange.close(); // evicted or timed out while its headers were being read
          return;
        }
        handler.handle(exchange);
      };
    }

    private static int positive(String what, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be >= 1, not " + value);
      }
      return value;
    }

    private static Duration positive(String what, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, not " + value);
      }
      return value;
    }
  }
}
