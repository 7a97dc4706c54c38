package io.brume.peer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Responses of a read-only OCI distribution API server, shared by the peer server and the
 * emulation's origin registry: the API's JSON error body and bodies that a {@code HEAD} leaves out.
 */
public final class DistributionResponses {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DistributionResponses() {}

  /** The answer to {@code GET /v2/}: 200 with the API version header. */
  public static void apiVersion(HttpExchange ex, boolean head) throws IOException {
    ex.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
    send(ex, head, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
  }

  /** An error as the distribution spec writes it: {@code {"errors":[{"code","message"}]}}. */
  public static void error(HttpExchange ex, boolean head, int status, String code, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode e = body.putArray("errors").addObject();
    e.put("code", code);
    e.put("message", message);
    send(ex, head, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /**
   * Sends {@code body} with {@code type}; for a {@code HEAD} only the status and headers (the
   * caller sets {@code Content-Length} when it matters).
   */
  public static void send(HttpExchange ex, boolean head, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    if (head) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
