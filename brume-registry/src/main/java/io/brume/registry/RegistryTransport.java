package io.brume.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Sends GET requests to one registry with authentication, retries and manual redirects (so that the
 * registry's Authorization header never reaches a storage backend on another host).
 */
final class RegistryTransport {

  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_ERROR_BODY = 8 * 1024;

  private final String registry;
  private final URI base;
  private final HttpClient http;
  private final Authenticator authenticator;
  private final Retrier retrier;
  private final Duration requestTimeout;

  RegistryTransport(
      String registry,
      URI base,
      HttpClient http,
      Authenticator authenticator,
      Retrier retrier,
      Duration requestTimeout) {
    this.registry = registry;
    this.base = base;
    this.http = http;
    this.authenticator = authenticator;
    this.retrier = retrier;
    this.requestTimeout = requestTimeout;
  }

  String registry() {
    return registry;
  }

  /**
   * GETs {@code path} (below {@code /v2/}) with {@code headers}, authorised for {@code scope}.
   * Returns any final response after retries; the caller checks the status.
   */
  <T> HttpResponse<T> get(
      String path,
      String scope,
      Map<String, String> headers,
      String action,
      HttpResponse.BodyHandler<T> bodyHandler)
      throws IOException, InterruptedException {
    URI uri = base.resolve(path);
    return retrier.run(action, () -> sendAuthorised(uri, scope, headers, action, bodyHandler));
  }

  /** As {@link #get(String, String, Map, String, HttpResponse.BodyHandler)}, streaming the body. */
  HttpResponse<InputStream> get(
      String path, String scope, Map<String, String> headers, String action)
      throws IOException, InterruptedException {
    return get(path, scope, headers, action, HttpResponse.BodyHandlers.ofInputStream());
  }

  private <T> HttpResponse<T> sendAuthorised(
      URI uri,
      String scope,
      Map<String, String> headers,
      String action,
      HttpResponse.BodyHandler<T> bodyHandler)
      throws IOException, InterruptedException {
    authenticator.ensureToken(scope, action);
    HttpResponse<T> response = sendFollowingRedirects(uri, scope, headers, bodyHandler);
    if (response.statusCode() != 401) {
      return response;
    }
    boolean retry;
    try {
      retry = authenticator.handleUnauthorized(response, scope, action);
    } catch (IOException | RuntimeException e) {
      Retrier.discard(response);
      throw e;
    }
    if (!retry) {
      return response;
    }
    Retrier.discard(response);
    return sendFollowingRedirects(uri, scope, headers, bodyHandler);
  }

  private <T> HttpResponse<T> sendFollowingRedirects(
      URI uri, String scope, Map<String, String> headers, HttpResponse.BodyHandler<T> bodyHandler)
      throws IOException, InterruptedException {
    URI current = uri;
    for (int redirects = 0; ; redirects++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(current).GET().timeout(requestTimeout);
      headers.forEach(request::header);
      if (sameOrigin(current, base)) {
        authenticator.authorization(scope).ifPresent(a -> request.header("Authorization", a));
      }
      HttpResponse<T> response = http.send(request.build(), bodyHandler);
      Optional<String> location = response.headers().firstValue("Location");
      if (!isRedirect(response.statusCode()) || location.isEmpty() || redirects >= MAX_REDIRECTS) {
        return response;
      }
      Retrier.discard(response);
      current = current.resolve(location.get());
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getRawAuthority().equalsIgnoreCase(b.getRawAuthority());
  }

  /**
   * Turns an unexpected response into an exception naming the action, the status and the registry's
   * own error code and message when it sent one; closes the body.
   */
  RegistryException failure(String action, HttpResponse<?> response) throws IOException {
    byte[] body = new byte[0];
    if (response.body() instanceof byte[] bytes) {
      body = bytes;
    } else if (response.body() instanceof InputStream stream) {
      try (InputStream in = stream) {
        body = in.readNBytes(MAX_ERROR_BODY);
      }
    }
    int status = response.statusCode();
    String reason =
        switch (status) {
          case 401 -> "401 Unauthorized (authentication required or credentials rejected)";
          case 403 -> "403 Forbidden (access denied)";
          case 404 -> "404 Not Found";
          case 429 -> "429 Too Many Requests (rate limited, retries exhausted)";
          default -> "HTTP " + status + (status >= 500 ? " (server error, retries exhausted)" : "");
        };
    return new RegistryException(action + ": " + reason + registryErrors(body), status);
  }

  private static String registryErrors(byte[] body) {
    try {
      JsonNode errors = new ObjectMapper().readTree(body).path("errors");
      StringBuilder text = new StringBuilder();
      for (JsonNode error : errors) {
        text.append(text.isEmpty() ? " (" : "; ")
            .append(error.path("code").asText("?"))
            .append(": ")
            .append(error.path("message").asText(""));
      }
      return text.isEmpty() ? "" : text.append(')').toString();
    } catch (IOException | RuntimeException notJson) {
      return "";
    }
  }
}
