package io.brume.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brume.coordinate.Coordinate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who this node is and which peers it may fetch from, with coordinates: the input of a pull's peer
 * choice. Read from a peers file ({@code brume pull --peers FILE}) or from the local agent's peer
 * server ({@code GET /v2/_brume/peers}), both in this JSON shape:
 *
 * <pre>
 * {"self": {"name": "edge-1", "coordinate": {"vector": [..], "height": h, "adjustment": a, "error": e}},
 *  "peers": [{"name": "edge-2", "url": "http://10.0.0.2:7948", "coordinate": {...}}]}
 * </pre>
 *
 * A peer's {@code coordinate} may be omitted (not heard of yet): it is then asked last.
 */
public record PeerDirectory(String self, Coordinate selfCoordinate, List<PeerNode> peers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public PeerDirectory {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(selfCoordinate, "selfCoordinate");
    peers = peers.stream().filter(p -> !p.name().equals(self)).toList();
    Set<String> names = new HashSet<>();
    for (PeerNode p : peers) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("peer " + p.name() + " is listed twice");
      }
    }
  }

  /** Reads a peers file; the message names the file and the field that is wrong. */
  public static PeerDirectory load(Path file) throws IOException {
    try {
      return parse(JSON.readTree(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      throw new IOException("peers file " + file + " does not exist", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("peers file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Asks a node's peer server ({@code GET <server>/v2/_brume/peers}) for its directory: how {@code
   * brume pull} on a node learns its peers from the local agent.
   */
  public static PeerDirectory fetch(URI server, ClusterToken token)
      throws IOException, InterruptedException {
    URI uri = URI.create(server.toString().replaceAll("/+$", "") + "/v2/_brume/peers");
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", token.authorizationHeader())
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IOException(
            "peer directory "
                + uri
                + " answered HTTP "
                + response.statusCode()
                + (response.statusCode() == 401 ? " (wrong cluster token?)" : ""));
      }
      return parse(JSON.readTree(response.body()));
    } catch (java.net.ConnectException e) {
      throw new IOException("peer directory " + uri + " is not reachable: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException("peer directory " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON shape above. */
  public static PeerDirectory parse(JsonNode root) {
    JsonNode self = required(root, "self", "");
    String name = required(self, "name", "self.").asText();
    Coordinate selfCoordinate = coordinate(required(self, "coordinate", "self."), "self.");
    List<PeerNode> peers = new ArrayList<>();
    JsonNode list = root.path("peers");
    if (!list.isArray()) {
      throw new IllegalArgumentException("field peers must be an array");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode p = list.get(i);
      String where = "peers[" + i + "].";
      String peerName = required(p, "name", where).asText();
      URI url;
      try {
        url = URI.create(required(p, "url", where).asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + "url is not a URL: " + p.path("url").asText());
      }
      Optional<Coordinate> at =
          p.has("coordinate") && !p.get("coordinate").isNull()
              ? Optional.of(coordinate(p.get("coordinate"), where))
              : Optional.empty();
      peers.add(new PeerNode(peerName, url, at));
    }
    return new PeerDirectory(name, selfCoordinate, peers);
  }

  /** The JSON shape above. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode me = root.putObject("self");
    me.put("name", self);
    me.set("coordinate", coordinateJson(selfCoordinate));
    ArrayNode list = root.putArray("peers");
    for (PeerNode p : peers) {
      ObjectNode n = list.addObject();
      n.put("name", p.name());
      n.put("url", p.url().toString());
      p.coordinate().ifPresent(c -> n.set("coordinate", coordinateJson(c)));
    }
    return root;
  }

  /** A coordinate as the agent's API writes it. */
  public static ObjectNode coordinateJson(Coordinate c) {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode vector = n.putArray("vector");
    for (double v : c.vector()) {
      vector.add(v);
    }
    n.put("height", c.height());
    n.put("adjustment", c.adjustment());
    n.put("error", c.error());
    return n;
  }

  private static Coordinate coordinate(JsonNode node, String where) {
    JsonNode vector = required(node, "vector", where + "coordinate.");
    if (!vector.isArray() || vector.isEmpty()) {
      throw new IllegalArgumentException(where + "coordinate.vector must be a non-empty array");
    }
    double[] v = new double[vector.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = vector.get(i).asDouble(Double.NaN);
    }
    Coordinate c =
        new Coordinate(
            v,
            node.path("error").asDouble(1.5),
            node.path("adjustment").asDouble(0),
            node.path("height").asDouble(0));
    if (!c.isValid()) {
      throw new IllegalArgumentException(where + "coordinate has a non-finite number");
    }
    return c;
  }

  private static JsonNode required(JsonNode node, String field, String where) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field " + where + field);
    }
    return value;
  }
}
