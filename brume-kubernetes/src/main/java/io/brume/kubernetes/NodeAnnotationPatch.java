package io.brume.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Sets one annotation on a Node with a JSON merge patch (verb {@code patch} on {@code nodes}): what
 * an agent publishes about its own node, leaving every other annotation as it is.
 */
final class NodeAnnotationPatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeAnnotationPatch() {}

  static void set(KubernetesClient client, String nodeName, String key, String value) {
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("metadata").putObject("annotations").put(key, value);
    client
        .nodes()
        .withName(nodeName)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }
}
