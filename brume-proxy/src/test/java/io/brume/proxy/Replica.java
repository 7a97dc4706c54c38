package io.brume.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test replica: the JDK's own HTTP server (an independent HTTP/1.1 implementation) on loopback.
 * {@code /} answers its name, {@code /echo} the method and body, {@code /chunked} a chunked body,
 * {@code /headers} the request headers it saw, {@code /slow} waits for {@link #releaseSlow()}.
 */
final class Replica implements AutoCloseable {
  private final String name;
  private final int port;
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  private volatile CountDownLatch slow = new CountDownLatch(1);
  private HttpServer server;

  private Replica(String name, int port) {
    this.name = name;
    this.port = port;
  }

  /** Length of the body of {@code GET /big}: far more than the socket and proxy buffers hold. */
  static final int BIG_BODY_BYTES = 4 << 20;

  static Replica start(String name) {
    return start(name, 0);
  }

  static Replica start(String name, int port) {
    Replica replica = new Replica(name, port);
    replica.startServer();
    return replica;
  }

  private void startServer() {
    try {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("starting replica " + name + " on port " + port, e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  Endpoint endpoint() {
    return new Endpoint(name, "127.0.0.1", server.getAddress().getPort());
  }

  int requests() {
    return requests.get();
  }

  Map<String, String> lastHeaders() {
    return lastHeaders;
  }

  void releaseSlow() {
    slow.countDown();
  }

  /** Kills the server, dropping open connections, as a crashed replica would. */
  void kill() {
    server.stop(0);
  }

  /** Starts again on the same port after {@link #kill()}. */
  Replica restart() {
    return start(name, endpoint().port());
  }

  private void handle(HttpExchange exchange) throws IOException {
    boolean healthCheck =
        "brume-health-check".equals(exchange.getRequestHeaders().getFirst("User-Agent"));
    if (!healthCheck) {
      requests.incrementAndGet();
    }
    String path = exchange.getRequestURI().getPath();
    byte[] requestBody = exchange.getRequestBody().readAllBytes();
    if (!healthCheck) {
      lastHeaders.clear();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> lastHeaders.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    }
    String body =
        switch (path) {
          case "/echo" ->
              exchange.getRequestMethod() + " " + new String(requestBody, StandardCharsets.UTF_8);
          case "/headers" -> lastHeaders.toString();
          case "/big" -> "x".repeat(BIG_BODY_BYTES);
          case "/slow" -> {
            awaitSlow();
            yield name;
          }
          default -> name;
        };
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("X-Replica", name);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().add("Content-Length", Integer.toString(bytes.length));
      exchange.sendResponseHeaders(200, -1);
    } else if (path.equals("/chunked")) {
      exchange.sendResponseHeaders(200, 0); // length 0 means chunked for the JDK server
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 3; i++) {
          out.write(bytes);
          out.flush();
        }
      }
    } else {
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private void awaitSlow() {
    try {
      slow.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
