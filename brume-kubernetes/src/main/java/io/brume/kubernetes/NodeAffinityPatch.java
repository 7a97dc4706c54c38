package io.brume.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.SortedSet;

/**
 * The JSON patch (RFC 6902) that pins a Deployment's pods to a node set: it replaces only the
 * required node affinity (other affinity kinds are kept) and stamps the move time. Built against
 * the cached object: a merge patch would do the same on a real API server, but fabric8's mock
 * server appends to lists in merge patches. A patch built from a stale cache fails and is retried
 * at the next resync.
 */
final class NodeAffinityPatch {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MOVED_AT = BrumeAnnotations.PLACEMENT_MOVED_AT;
  private static final String REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";

  private NodeAffinityPatch() {}

  /** The patch setting {@code kubernetes.io/hostname In nodes} and the move time {@code moved}. */
  static String of(Deployment d, SortedSet<String> nodes, Instant moved) {
    ObjectNode expression = JSON.createObjectNode();
    expression.put("key", BrumeAnnotations.HOSTNAME_LABEL).put("operator", "In");
    ArrayNode values = expression.putArray("values");
    nodes.forEach(values::add);
    ObjectNode required = JSON.createObjectNode();
    required.putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").add(expression);

    ArrayNode ops = JSON.createArrayNode();
    String movedAt = moved.toString();
    if (d.getMetadata().getAnnotations() == null) {
      ops.add(add("/metadata/annotations", JSON.createObjectNode().put(MOVED_AT, movedAt)));
    } else {
      ops.add(
          add(
              "/metadata/annotations/" + pointer(MOVED_AT),
              JSON.getNodeFactory().textNode(movedAt)));
    }
    Affinity affinity = d.getSpec().getTemplate().getSpec().getAffinity();
    String base = "/spec/template/spec/affinity";
    if (affinity == null) {
      ObjectNode value = JSON.createObjectNode();
      value.putObject("nodeAffinity").set(REQUIRED, required);
      ops.add(add(base, value));
    } else if (affinity.getNodeAffinity() == null) {
      ObjectNode value = JSON.createObjectNode();
      value.set(REQUIRED, required);
      ops.add(add(base + "/nodeAffinity", value));
    } else {
      ops.add(add(base + "/nodeAffinity/" + REQUIRED, required));
    }
    return ops.toString();
  }

  /** An "add" operation, which replaces the member if it exists. */
  private static ObjectNode add(String path, JsonNode value) {
    ObjectNode op = JSON.createObjectNode().put("op", "add").put("path", path);
    op.set("value", value);
    return op;
  }

  /** A JSON pointer token (RFC 6901): '~' and '/' escaped. */
  private static String pointer(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
