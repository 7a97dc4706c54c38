package io.brume.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the dashboard API. Field names are part of the interface (acceptance checks
 * and scripts read them): {@code /api/nodes} is an array of {@code {name, coordinate, error,
 * estimated_rtt_ms, measured_rtt_ms, replicas, position, agent_url}}, {@code /api/routing} an array
 * of {@code {name, weights: {policy: {replica: weight}}}}, and {@code /api/stats} is {@code
 * {policies: {NAME: {mean_latency_ms, p95_latency_ms, requests, max_mean_load, replica_load,
 * series}}, brume_policy, uptime_s, emulation_lag_ms}}, {@code /api/deployments} an array of {@code
 * {node, image, lane, state, bytes_total, bytes_from_peers, bytes_from_origin, ready_s}} and {@code
 * /api/info} is {@code {title, replica_runtime}}. Numbers that are not known yet (NaN) are written
 * as {@code null}.
 */
public final class DashboardJson {
  private final ObjectMapper mapper = new ObjectMapper();

  /** {@code /api/nodes}: one object per node, with its position on the map's principal plane. */
  public ArrayNode nodes(List<NodeView> nodes) {
    double[][] positions = Projection.principalPlane(nodes.stream().map(NodeView::vector).toList());
    ArrayNode array = mapper.createArrayNode();
    for (int i = 0; i < nodes.size(); i++) {
      NodeView node = nodes.get(i);
      ObjectNode o = array.addObject();
      o.put("name", node.name());
      ObjectNode coordinate = o.putObject("coordinate");
      ArrayNode vector = coordinate.putArray("vector");
      for (double v : node.vector()) {
        vector.add(v);
      }
      number(coordinate, "height", node.height());
      number(coordinate, "adjustment", node.adjustment());
      number(o, "error", node.error());
      numbers(o.putObject("estimated_rtt_ms"), node.estimatedRttMillis());
      numbers(o.putObject("measured_rtt_ms"), node.measuredRttMillis());
      ArrayNode replicas = o.putArray("replicas");
      node.replicas().forEach(replicas::add);
      o.putArray("position").add(positions[i][0]).add(positions[i][1]);
      if (node.agentUrl().isPresent()) {
        o.put("agent_url", node.agentUrl().get().toString());
      } else {
        o.putNull("agent_url");
      }
    }
    return array;
  }

  /** {@code /api/routing}: one object per routing node. */
  public ArrayNode routing(List<RoutingView> routing) {
    ArrayNode array = mapper.createArrayNode();
    for (RoutingView view : routing) {
      ObjectNode o = array.addObject();
      o.put("name", view.node());
      ObjectNode weights = o.putObject("weights");
      view.weightsByPolicy().forEach((policy, w) -> numbers(weights.putObject(policy), w));
    }
    return array;
  }

  /** {@code /api/stats}: one entry per compared policy. */
  public ObjectNode stats(StatsView stats) {
    ObjectNode root = mapper.createObjectNode();
    ObjectNode policies = root.putObject("policies");
    for (PolicyStats p : stats.policies()) {
      ObjectNode o = policies.putObject(p.name());
      number(o, "mean_latency_ms", p.meanLatencyMillis());
      number(o, "p95_latency_ms", p.p95LatencyMillis());
      o.put("requests", p.requests());
      number(o, "max_mean_load", p.maxMeanLoad());
      numbers(o.putObject("replica_load"), p.meanLoadByReplica());
      ArrayNode series = o.putArray("series");
      for (PolicyStats.LatencySample s : p.series()) {
        ObjectNode point = series.addObject();
        number(point, "t_s", s.atSeconds());
        number(point, "mean_latency_ms", s.meanLatencyMillis());
        point.put("requests", s.requests());
      }
    }
    root.put("brume_policy", stats.brumePolicy());
    number(root, "uptime_s", stats.uptimeSeconds());
    number(root, "emulation_lag_ms", stats.emulationLagMillis());
    return root;
  }

  /** {@code /api/deployments}: one object per node and deployment lane. */
  public ArrayNode deployments(List<DeploymentView> deployments) {
    ArrayNode array = mapper.createArrayNode();
    for (DeploymentView d : deployments) {
      ObjectNode o = array.addObject();
      o.put("node", d.node());
      o.put("image", d.image());
      o.put("lane", d.lane());
      o.put("state", d.state().json());
      o.put("bytes_total", d.bytesTotal());
      o.put("bytes_from_peers", d.bytesFromPeers());
      o.put("bytes_from_origin", d.bytesFromOrigin());
      number(o, "ready_s", d.readySeconds());
    }
    return array;
  }

  /** {@code /api/info}: the page title and how the replicas run. */
  public ObjectNode info(String title, String replicaRuntime) {
    return mapper.createObjectNode().put("title", title).put("replica_runtime", replicaRuntime);
  }

  /** Serialises a document to UTF-8 bytes. */
  public byte[] bytes(Object document) {
    try {
      return mapper.writeValueAsBytes(document);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise dashboard JSON: " + e.getMessage(), e);
    }
  }

  private static void numbers(ObjectNode target, Map<String, Double> values) {
    values.forEach((key, value) -> number(target, key, value));
  }

  private static void number(ObjectNode target, String field, double value) {
    if (Double.isFinite(value)) {
      target.put(field, value);
    } else {
      target.putNull(field);
    }
  }
}
