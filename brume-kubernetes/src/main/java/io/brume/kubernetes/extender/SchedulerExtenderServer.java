package io.brume.kubernetes.extender;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.brume.http.EmbeddedHttpServer;
import io.brume.kubernetes.BrumeAnnotations;
import io.brume.kubernetes.PeerNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler extender v1 HTTP API: {@code POST /filter} and {@code POST /prioritize}.
 *
 * <p>Filter removes nodes whose demand latency ({@link NodeScorer}) exceeds the pod's {@code
 * brume.io/max-latency-ms}; nodes brume knows nothing about pass. Prioritize returns {@code
 * [{"Host":..,"Score":0..10}]}. A malformed request gets 400 with a message naming the field; an
 * internal failure in prioritize degrades to neutral scores (a 200), so brume can never make a pod
 * unschedulable through scoring. {@code GET /healthz} answers {@code ok} (liveness and readiness).
 * Served by an {@link EmbeddedHttpServer} with its default caps and deadlines.
 */
public final class SchedulerExtenderServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerExtenderServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 64 << 20;

  private final EmbeddedHttpServer server;
  private final Supplier<Map<String, PeerNode>> peers;

  /**
   * Binds {@code address} (port 0 picks a free one) and starts serving.
   *
   * @param peers the cluster's nodes, usually {@code PeerDirectory::peers}
   */
  public SchedulerExtenderServer(InetSocketAddress address, Supplier<Map<String, PeerNode>> peers)
      throws IOException {
    this.peers = peers;
    this.server =
        EmbeddedHttpServer.builder("brume-scheduler-extender", address)
            // kube-scheduler calls one extender verb at a time; a body may be up to 64 MB.
            .maxRequests(16)
            .route("/filter", exchange -> handle(exchange, this::filter))
            .route("/prioritize", exchange -> handle(exchange, this::prioritize))
            .route("/healthz", SchedulerExtenderServer::health)
            .start();
  }

  /** The bound address (with the real port). */
  public InetSocketAddress address() {
    return server.address();
  }

  private static void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      EmbeddedHttpServer.send(
          exchange, 200, "text/plain; charset=utf-8", "ok\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private interface Verb {
    JsonNode apply(ExtenderArgs args);
  }

  private static void handle(HttpExchange exchange, Verb verb) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "POST");
        send(exchange, 405, error("use POST with an ExtenderArgs JSON body"));
        return;
      }
      ExtenderArgs args;
      try {
        args = ExtenderArgs.parse(JSON.readTree(readBody(exchange.getRequestBody())));
      } catch (JacksonException e) {
        send(exchange, 400, error("request body is not valid JSON: " + e.getOriginalMessage()));
        return;
      } catch (IllegalArgumentException e) {
        send(exchange, 400, error(String.valueOf(e.getMessage())));
        return;
      }
      send(exchange, 200, verb.apply(args));
    }
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw new IllegalArgumentException("request body larger than " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("Error", message);
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    EmbeddedHttpServer.send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private JsonNode filter(ExtenderArgs args) {
    Map<String, String> failed = new LinkedHashMap<>();
    String bound = args.annotations().get(BrumeAnnotations.POD_MAX_LATENCY_MS);
    String serviceKey = args.serviceKey();
    if (bound != null && serviceKey != null) {
      double maxMillis;
      try {
        maxMillis = Double.parseDouble(bound.trim());
      } catch (NumberFormatException e) {
        maxMillis = Double.NaN;
      }
      if (!(maxMillis > 0)) {
        // A bad annotation is the pod author's problem; failing every node would hide it worse.
        LOG.warn(
            "pod {}/{}: {}=\"{}\" is not a positive number; not filtering",
            args.podNamespace(),
            args.podName(),
            BrumeAnnotations.POD_MAX_LATENCY_MS,
            bound);
      } else {
        Map<String, PeerNode> known = peers.get();
        Map<String, Long> demand = NodeScorer.demandFor(serviceKey, known);
        for (String node : args.nodeNames()) {
          double latency = NodeScorer.demandLatencyMillis(node, demand, known);
          if (latency > maxMillis) {
            failed.put(
                node,
                String.format(
                    "brume: estimated latency to %s's demand %.1f ms > %s %.1f ms",
                    serviceKey, latency, BrumeAnnotations.POD_MAX_LATENCY_MS, maxMillis));
          }
        }
      }
    }
    ObjectNode result = JSON.createObjectNode();
    if (args.nodes() != null) {
      ObjectNode nodeList = result.putObject("Nodes");
      nodeList.put("apiVersion", "v1").put("kind", "NodeList").putObject("metadata");
      ArrayNode items = nodeList.putArray("items");
      for (JsonNode node : args.nodes()) {
        if (!failed.containsKey(node.path("metadata").path("name").asText())) {
          items.add(node);
        }
      }
      result.putNull("NodeNames");
    } else {
      result.putNull("Nodes");
      ArrayNode names = result.putArray("NodeNames");
      args.nodeNames().stream().filter(n -> !failed.containsKey(n)).forEach(names::add);
    }
    ObjectNode failedNodes = result.putObject("FailedNodes");
    failed.forEach(failedNodes::put);
    result.putObject("FailedAndUnresolvableNodes");
    result.put("Error", "");
    return result;
  }

  private JsonNode prioritize(ExtenderArgs args) {
    List<String> candidates = args.nodeNames();
    Map<String, Integer> scores;
    try {
      String serviceKey = args.serviceKey();
      scores =
          serviceKey == null
              ? neutral(candidates)
              : NodeScorer.score(candidates, serviceKey, peers.get());
    } catch (RuntimeException e) {
      LOG.warn(
          "scoring pod {}/{} failed, giving neutral scores: {}",
          args.podNamespace(),
          args.podName(),
          e.toString());
      scores = neutral(candidates);
    }
    ArrayNode result = JSON.createArrayNode();
    scores.forEach((host, score) -> result.addObject().put("Host", host).put("Score", score));
    return result;
  }

  private static Map<String, Integer> neutral(List<String> candidates) {
    Map<String, Integer> scores = new LinkedHashMap<>();
    candidates.forEach(c -> scores.put(c, NodeScorer.NEUTRAL_SCORE));
    return scores;
  }

  @Override
  public void close() {
    server.close();
  }
}
