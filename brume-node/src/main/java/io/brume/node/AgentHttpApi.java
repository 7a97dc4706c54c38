package io.brume.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brume.coordinate.Coordinate;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's HTTP API (JSON), on the JDK's {@code com.sun.net.httpserver} with one virtual thread
 * per request:
 *
 * <ul>
 *   <li>{@code GET /v1/coordinate}: this node's coordinate and error;
 *   <li>{@code GET /v1/coordinates}: the last coordinate of every peer heard from;
 *   <li>{@code GET /v1/rtt?node=NAME}: estimated RTT to NAME in ms (404 if its coordinate is
 *       unknown);
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /healthz}: {@code ok}.
 * </ul>
 *
 * Anything else is answered 4xx and counted as a malformed request.
 */
final class AgentHttpApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Agent agent;
  private final AgentMetrics metrics;
  private HttpServer server;
  private ExecutorService executor;

  AgentHttpApi(Agent agent, AgentMetrics metrics) {
    this.agent = agent;
    this.metrics = metrics;
  }

  void start(InetSocketAddress address) throws IOException {
    server = HttpServer.create(address, 64);
    executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        error(ex, 405, "only GET is supported");
        return;
      }
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case "/healthz" -> send(ex, 200, "text/plain; charset=utf-8", "ok\n");
        case "/metrics" ->
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        case "/v1/coordinate" -> {
          ObjectNode body = JSON.createObjectNode();
          body.put("node", agent.config().node());
          body.set("coordinate", coordinateJson(agent.coordinate()));
          json(ex, 200, body);
        }
        case "/v1/coordinates" -> {
          ObjectNode body = JSON.createObjectNode();
          body.put("node", agent.config().node());
          ObjectNode all = body.putObject("coordinates");
          for (Map.Entry<String, Coordinate> e :
              new TreeMap<>(agent.peerCoordinates()).entrySet()) {
            all.set(e.getKey(), coordinateJson(e.getValue()));
          }
          json(ex, 200, body);
        }
        case "/v1/rtt" -> rtt(ex);
        default -> error(ex, 404, "no such endpoint: " + path);
      }
    } catch (RuntimeException e) {
      // A handler bug must not kill the server thread; the client gets a 500.
      try {
        error(ex, 500, "internal error");
      } catch (IOException ignored) {
        // the client went away
      }
    }
  }

  private void rtt(HttpExchange ex) throws IOException {
    String node = queryParameter(ex.getRequestURI().getRawQuery(), "node");
    if (node == null || node.isEmpty()) {
      error(ex, 400, "missing query parameter node");
      return;
    }
    Coordinate to =
        node.equals(agent.config().node()) ? agent.coordinate() : agent.peerCoordinates().get(node);
    if (to == null) {
      error(ex, 404, "no coordinate known for node " + node);
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("from", agent.config().node());
    body.put("to", node);
    body.put("estimated_rtt_ms", agent.coordinate().estimateRttMillis(to));
    json(ex, 200, body);
  }

  private static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String part : rawQuery.split("&")) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq);
      if (key.equals(name)) {
        try {
          return eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  static ObjectNode coordinateJson(Coordinate c) {
    ObjectNode n = JSON.createObjectNode();
    var vec = n.putArray("vector");
    for (double v : c.vector()) {
      vec.add(v);
    }
    n.put("height", c.height());
    n.put("adjustment", c.adjustment());
    n.put("error", c.error());
    return n;
  }

  private void json(HttpExchange ex, int status, ObjectNode body) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsString(body) + "\n");
  }

  private void error(HttpExchange ex, int status, String message) throws IOException {
    if (status < 500) {
      metrics.malformedRequests.increment();
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    json(ex, status, body);
  }

  private void send(HttpExchange ex, int status, String type, String body) throws IOException {
    metrics.httpRequests.increment();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
