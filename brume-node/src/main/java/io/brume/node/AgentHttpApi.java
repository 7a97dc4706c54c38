package io.brume.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.brume.coordinate.Coordinate;
import io.brume.http.EmbeddedHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The agent's HTTP API (JSON), on an {@link EmbeddedHttpServer} with one virtual thread per
 * request:
 *
 * <ul>
 *   <li>{@code GET /v1/coordinate}: this node's coordinate and error;
 *   <li>{@code GET /v1/coordinates}: the last coordinate of every peer heard from;
 *   <li>{@code GET /v1/rtt?node=NAME}: estimated RTT to NAME in ms (404 if its coordinate is
 *       unknown);
 *   <li>{@code GET /metrics}: Prometheus text format;
 *   <li>{@code GET /healthz}: {@code ok}, or 503 {@code probing stopped} when the probe threads
 *       died (the liveness and readiness check of the DaemonSet).
 * </ul>
 *
 * Anything else is answered 4xx and counted as a malformed request.
 *
 * <p>The agent runs in a 32 MB heap and faces the node's network: at most {@value #MAX_REQUESTS}
 * requests are in flight (each costs tens of KB while the JDK reads its headers), and a request
 * gets {@code HEADER_TIMEOUT} for its headers and {@code REQUEST_TIMEOUT} in all. The API shares no
 * thread and no lock with probing ({@link Prober} runs on platform threads of its own).
 */
final class AgentHttpApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Enough for scrapes, probes and the routing controller; ~2 MB of heap when all are slow. */
  static final int MAX_REQUESTS = 48;

  static final Duration HEADER_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final Agent agent;
  private final AgentMetrics metrics;
  private @Nullable EmbeddedHttpServer server;

  AgentHttpApi(Agent agent, AgentMetrics metrics) {
    this.agent = agent;
    this.metrics = metrics;
  }

  void start(InetSocketAddress address) throws IOException {
    server =
        EmbeddedHttpServer.builder("brume-agent-http", address)
            .maxRequests(MAX_REQUESTS)
            .headerTimeout(HEADER_TIMEOUT)
            .requestTimeout(REQUEST_TIMEOUT)
            .route("/", this::handle)
            .start();
  }

  InetSocketAddress address() {
    return server().address();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        error(ex, 405, "only GET is supported");
        return;
      }
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case "/healthz" ->
            send(
                ex,
                agent.isProbing() ? 200 : 503,
                "text/plain; charset=utf-8",
                agent.isProbing() ? "ok\n" : "probing stopped\n");
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

  private static @Nullable String queryParameter(String rawQuery, String name) {
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
    EmbeddedHttpServer.send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }

  /** The server serving the API; set once started. */
  private EmbeddedHttpServer server() {
    return Objects.requireNonNull(server, "not started");
  }
}
