package io.brume.oci;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object being read, remembering its document name and path so that every validation error
 * names the exact field ({@code "manifest: field 'layers[1].size' must be a number"}).
 *
 * <p>Unknown fields are ignored (the specs allow extension); duplicate keys are rejected, as two
 * parsers could otherwise disagree on which value counts.
 */
record JsonObject(String document, String path, JsonNode node) {

  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Parses {@code json} as a top-level object of a document called {@code document}. */
  static JsonObject parse(byte[] json, String document) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new InvalidContentException(
          document + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new InvalidContentException(document + ": unreadable: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidContentException(document + ": expected a JSON object");
    }
    return new JsonObject(document, "", root);
  }

  static byte[] write(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot serialise JSON tree", e);
    }
  }

  static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  InvalidContentException invalid(String field, String problem) {
    return new InvalidContentException(document + ": field '" + where(field) + "' " + problem);
  }

  String where(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private Optional<JsonNode> present(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  private JsonNode required(String field) {
    return present(field)
        .orElseThrow(
            () -> new InvalidContentException(document + ": missing field '" + where(field) + "'"));
  }

  String requiredString(String field) {
    JsonNode value = required(field);
    if (!value.isTextual()) {
      throw invalid(field, "must be a string");
    }
    return value.textValue();
  }

  Optional<String> optionalString(String field) {
    Optional<JsonNode> value = present(field);
    if (value.isPresent() && !value.get().isTextual()) {
      throw invalid(field, "must be a string");
    }
    return value.map(JsonNode::textValue);
  }

  long requiredLong(String field) {
    JsonNode value = required(field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalid(field, "must be an integer");
    }
    return value.longValue();
  }

  Digest requiredDigest(String field) {
    String text = requiredString(field);
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw invalid(field, "is not a valid digest: " + e.getMessage());
    }
  }

  JsonObject requiredObject(String field) {
    JsonNode value = required(field);
    if (!value.isObject()) {
      throw invalid(field, "must be an object");
    }
    return new JsonObject(document, where(field), value);
  }

  Optional<JsonObject> optionalObject(String field) {
    Optional<JsonNode> value = present(field);
    if (value.isPresent() && !value.get().isObject()) {
      throw invalid(field, "must be an object");
    }
    return value.map(v -> new JsonObject(document, where(field), v));
  }

  List<JsonObject> requiredObjects(String field) {
    JsonNode value = required(field);
    if (!value.isArray()) {
      throw invalid(field, "must be an array");
    }
    List<JsonObject> objects = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode element = value.get(i);
      String elementPath = where(field) + "[" + i + "]";
      if (!element.isObject()) {
        throw new InvalidContentException(
            document + ": field '" + elementPath + "' must be an object");
      }
      objects.add(new JsonObject(document, elementPath, element));
    }
    return objects;
  }

  List<String> optionalStrings(String field) {
    Optional<JsonNode> value = present(field);
    if (value.isEmpty()) {
      return List.of();
    }
    if (!value.get().isArray()) {
      throw invalid(field, "must be an array of strings");
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode element : value.get()) {
      if (!element.isTextual()) {
        throw invalid(field, "must be an array of strings");
      }
      strings.add(element.textValue());
    }
    return List.copyOf(strings);
  }

  Map<String, String> optionalStringMap(String field) {
    Optional<JsonNode> value = present(field);
    if (value.isEmpty()) {
      return Map.of();
    }
    if (!value.get().isObject()) {
      throw invalid(field, "must be an object of strings");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : value.get().properties()) {
      if (!entry.getValue().isTextual()) {
        throw invalid(field + "." + entry.getKey(), "must be a string");
      }
      map.put(entry.getKey(), entry.getValue().textValue());
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  /** The keys of an object-valued field, e.g. Docker's {@code ExposedPorts: {"80/tcp": {}}}. */
  List<String> optionalKeys(String field) {
    Optional<JsonNode> value = present(field);
    if (value.isEmpty()) {
      return List.of();
    }
    if (!value.get().isObject()) {
      throw invalid(field, "must be an object");
    }
    List<String> keys = new ArrayList<>();
    value.get().fieldNames().forEachRemaining(keys::add);
    return List.copyOf(keys);
  }

  static void putStrings(ObjectNode node, String field, List<String> values) {
    ArrayNode array = node.putArray(field);
    values.forEach(array::add);
  }

  static void putStringMap(ObjectNode node, String field, Map<String, String> values) {
    ObjectNode object = node.putObject(field);
    values.forEach(object::put);
  }
}
