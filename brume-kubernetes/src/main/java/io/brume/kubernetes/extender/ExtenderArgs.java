package io.brume.kubernetes.extender;

import com.fasterxml.jackson.databind.JsonNode;
import io.brume.kubernetes.BrumeAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * kube-scheduler's {@code ExtenderArgs} (k8s.io/kube-scheduler/extender/v1): the Go struct has no
 * json tags, so the keys are the field names, {@code Pod}, {@code Nodes} (a v1 NodeList, when the
 * extender is not {@code nodeCacheCapable}) and {@code NodeNames} (when it is). Node objects are
 * kept as JSON so a filter result can return them unchanged.
 *
 * @param podNamespace the pod's namespace
 * @param podName the pod's name (or generateName)
 * @param labels the pod's labels
 * @param annotations the pod's annotations
 * @param nodes the NodeList items, or null when the scheduler sent NodeNames
 * @param nodeNames the candidate node names, in the order given
 */
public record ExtenderArgs(
    String podNamespace,
    String podName,
    Map<String, String> labels,
    Map<String, String> annotations,
    @Nullable List<JsonNode> nodes,
    List<String> nodeNames) {

  /**
   * Reads the request body.
   *
   * @throws IllegalArgumentException naming the missing or malformed field
   */
  public static ExtenderArgs parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("request body must be a JSON object (ExtenderArgs)");
    }
    JsonNode pod = body.get("Pod");
    if (pod == null || !pod.isObject()) {
      throw new IllegalArgumentException("ExtenderArgs.Pod is missing or not an object");
    }
    JsonNode metadata = pod.path("metadata");
    String namespace = metadata.path("namespace").asText("");
    String name = metadata.path("name").asText(metadata.path("generateName").asText(""));
    List<JsonNode> nodes = null;
    List<String> names = new ArrayList<>();
    JsonNode nodeList = body.get("Nodes");
    JsonNode nodeNames = body.get("NodeNames");
    if (nodeList != null && !nodeList.isNull()) {
      JsonNode items = nodeList.get("items");
      if (items == null || !items.isArray()) {
        throw new IllegalArgumentException(
            "ExtenderArgs.Nodes must be a NodeList with an items array");
      }
      nodes = new ArrayList<>();
      for (JsonNode item : items) {
        String nodeName = item.path("metadata").path("name").asText("");
        if (nodeName.isEmpty()) {
          throw new IllegalArgumentException(
              "ExtenderArgs.Nodes.items has a node without metadata.name");
        }
        nodes.add(item);
        names.add(nodeName);
      }
    } else if (nodeNames != null && !nodeNames.isNull()) {
      if (!nodeNames.isArray()) {
        throw new IllegalArgumentException("ExtenderArgs.NodeNames must be an array of strings");
      }
      for (JsonNode n : nodeNames) {
        if (!n.isTextual()) {
          throw new IllegalArgumentException(
              "ExtenderArgs.NodeNames must be an array of strings, found " + n);
        }
        names.add(n.asText());
      }
    } else {
      throw new IllegalArgumentException("ExtenderArgs has neither Nodes nor NodeNames");
    }
    return new ExtenderArgs(
        namespace.isEmpty() ? "default" : namespace,
        name,
        stringMap(metadata.path("labels")),
        stringMap(metadata.path("annotations")),
        nodes,
        List.copyOf(names));
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    if (object.isObject()) {
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        map.put(e.getKey(), e.getValue().asText());
      }
    }
    return map;
  }

  /**
   * The Service whose demand this pod should be placed near, {@code namespace/name}: the pod's
   * {@code brume.io/service} annotation, else its {@code app.kubernetes.io/name} or {@code app}
   * label (the usual convention of naming the Service after the app); null if none.
   */
  public @Nullable String serviceKey() {
    String service = annotations.get(BrumeAnnotations.POD_SERVICE);
    if (service == null) {
      service = labels.get("app.kubernetes.io/name");
    }
    if (service == null) {
      service = labels.get("app");
    }
    return service == null ? null : podNamespace + '/' + service;
  }
}
