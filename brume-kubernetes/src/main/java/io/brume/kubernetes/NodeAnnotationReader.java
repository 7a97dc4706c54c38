package io.brume.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Node into a {@link PeerNode}. Annotations are written by other agents and may be
 * malformed (an old version, a hand edit): a bad value is logged once per distinct value and
 * treated as absent, never thrown, so one broken node cannot stop routing for the others.
 */
public final class NodeAnnotationReader {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAnnotationReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** Reads {@code node}; never throws for bad annotation values. */
  public PeerNode read(Node node) {
    String name = node.getMetadata().getName();
    Map<String, String> annotations =
        node.getMetadata().getAnnotations() == null
            ? Map.of()
            : node.getMetadata().getAnnotations();
    return new PeerNode(
        name,
        coordinate(name, annotations.get(BrumeAnnotations.COORDINATE)),
        isReady(node),
        load(name, annotations.get(BrumeAnnotations.LOAD)),
        demand(name, annotations.get(BrumeAnnotations.DEMAND)));
  }

  static boolean isReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition condition : node.getStatus().getConditions()) {
      if ("Ready".equals(condition.getType())) {
        return "True".equals(condition.getStatus());
      }
    }
    return false;
  }

  private Optional<NodeCoordinate> coordinate(String node, @Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(NodeCoordinate.fromJson(value));
    } catch (IllegalArgumentException e) {
      reportOnce(node, BrumeAnnotations.COORDINATE, value, String.valueOf(e.getMessage()));
      return Optional.empty();
    }
  }

  private double load(String node, @Nullable String value) {
    if (value == null) {
      return Double.NaN;
    }
    try {
      double load = Double.parseDouble(value.trim());
      if (load >= 0 && Double.isFinite(load)) {
        return load;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    reportOnce(node, BrumeAnnotations.LOAD, value, "expected a number >= 0");
    return Double.NaN;
  }

  private Map<String, Long> demand(String node, @Nullable String value) {
    if (value == null) {
      return Map.of();
    }
    try {
      JsonNode tree = JSON.readTree(value);
      if (tree != null && tree.isObject()) {
        Map<String, Long> demand = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
          if (!e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
            reportOnce(node, BrumeAnnotations.DEMAND, value, "count of " + e.getKey() + " invalid");
            return Map.of();
          }
          demand.put(e.getKey(), e.getValue().asLong());
        }
        return demand;
      }
    } catch (JsonProcessingException e) {
      // reported below
    }
    reportOnce(node, BrumeAnnotations.DEMAND, value, "expected JSON {\"namespace/name\": count}");
    return Map.of();
  }

  private void reportOnce(String node, String key, String value, String problem) {
    if (reported.add(node + '\0' + key + '\0' + value)) {
      LOG.warn("Node {} annotation {}={} ignored: {}", node, key, value, problem);
    }
  }

  /** Reads every node of {@code nodes} by name. */
  public Map<String, PeerNode> readAll(Iterable<Node> nodes) {
    Map<String, PeerNode> peers = new HashMap<>();
    for (Node node : nodes) {
      PeerNode peer = read(node);
      peers.put(peer.name(), peer);
    }
    return peers;
  }
}
