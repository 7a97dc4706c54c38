package io.brume.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The authentication state of one registry: the challenge learnt from the first 401, and bearer
 * tokens cached per scope until shortly before they expire. Thread-safe; a token is fetched at most
 * once per scope at a time.
 */
final class Authenticator {

  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
  private static final int MAX_TOKEN_RESPONSE = 1 << 20;

  private record Token(String value, Instant expires) {}

  private final String registry;
  private final HttpClient http;
  private final Optional<Credentials> credentials;
  private final Clock clock;
  private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ReentrantLock> fetchLocks = new ConcurrentHashMap<>();
  private volatile Optional<AuthChallenge> challenge = Optional.empty();

  Authenticator(String registry, HttpClient http, Optional<Credentials> credentials, Clock clock) {
    this.registry = registry;
    this.http = http;
    this.credentials = credentials;
    this.clock = clock;
  }

  /** The Authorization header to send for {@code scope} right now, if any is known. */
  Optional<String> authorization(String scope) {
    Optional<AuthChallenge> known = challenge;
    if (known.isEmpty()) {
      return Optional.empty();
    }
    if (known.get().isBasic()) {
      return credentials.map(Credentials::basicAuthorization);
    }
    Token token = tokens.get(scope);
    if (token != null && clock.instant().isBefore(token.expires())) {
      return Optional.of("Bearer " + token.value());
    }
    return Optional.empty();
  }

  /** Whether a challenge is known, so that requests can be authorised up front. */
  boolean knowsChallenge() {
    return challenge.isPresent();
  }

  /**
   * Learns from a 401 response and prepares credentials for {@code scope} (fetching a bearer
   * token); returns false when there is nothing more to try.
   */
  boolean handleUnauthorized(HttpResponse<?> response, String scope, String action)
      throws IOException, InterruptedException {
    List<AuthChallenge> challenges =
        response.headers().allValues("WWW-Authenticate").stream()
            .flatMap(h -> AuthChallenge.parse(h).stream())
            .toList();
    Optional<AuthChallenge> usable =
        challenges.stream()
            .filter(AuthChallenge::isBearer)
            .findFirst()
            .or(() -> challenges.stream().filter(AuthChallenge::isBasic).findFirst());
    if (usable.isEmpty()) {
      return false;
    }
    challenge = usable;
    if (usable.get().isBasic()) {
      return credentials.isPresent();
    }
    invalidate(scope);
    fetchTokenOnce(usable.get(), scope, action);
    return true;
  }

  /** Fetches a token for {@code scope} when none is cached, using the known Bearer challenge. */
  void ensureToken(String scope, String action) throws IOException, InterruptedException {
    Optional<AuthChallenge> known = challenge;
    if (known.isPresent() && known.get().isBearer() && authorization(scope).isEmpty()) {
      fetchTokenOnce(known.get(), scope, action);
    }
  }

  // Concurrent requests of one scope share a single token request.
  private void fetchTokenOnce(AuthChallenge bearer, String scope, String action)
      throws IOException, InterruptedException {
    ReentrantLock lock = fetchLocks.computeIfAbsent(scope, s -> new ReentrantLock());
    lock.lockInterruptibly();
    try {
      if (authorization(scope).isEmpty()) {
        fetchToken(bearer, scope, action);
      }
    } finally {
      lock.unlock();
    }
  }

  private void fetchToken(AuthChallenge bearer, String scope, String action)
      throws IOException, InterruptedException {
    String realm =
        bearer
            .parameter("realm")
            .orElseThrow(
                () ->
                    new RegistryException(
                        action
                            + ": registry "
                            + registry
                            + " sent a Bearer challenge without realm",
                        401));
    StringBuilder query = new StringBuilder();
    bearer.parameter("service").ifPresent(s -> query.append("service=").append(encode(s)));
    if (!scope.isEmpty()) {
      query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
    }
    URI uri =
        URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30));
    credentials.ifPresent(c -> request.header("Authorization", c.basicAuthorization()));
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(MAX_TOKEN_RESPONSE);
    }
    if (response.statusCode() != 200) {
      throw new RegistryException(
          action
              + ": token request to "
              + realm
              + " for scope '"
              + scope
              + "' failed with HTTP "
              + response.statusCode()
              + (credentials.isPresent() ? " (credentials rejected?)" : " (no credentials)"),
          response.statusCode());
    }
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new RegistryException(action + ": token response from " + realm + " is not JSON", e);
    }
    String value = text(json, "token").or(() -> text(json, "access_token")).orElse("");
    if (value.isEmpty()) {
      throw new RegistryException(
          action + ": token response from " + realm + " has no 'token' or 'access_token'", 200);
    }
    Duration lifetime =
        json.hasNonNull("expires_in") && json.get("expires_in").canConvertToLong()
            ? Duration.ofSeconds(Math.max(json.get("expires_in").asLong(), 0))
            : DEFAULT_TOKEN_LIFETIME;
    Duration usable =
        lifetime.compareTo(EXPIRY_MARGIN.multipliedBy(2)) > 0
            ? lifetime.minus(EXPIRY_MARGIN)
            : lifetime;
    tokens.put(scope, new Token(value, clock.instant().plus(usable)));
  }

  /** Forgets the token of {@code scope}, e.g. after the registry rejected it. */
  void invalidate(String scope) {
    tokens.remove(scope);
  }

  private static Optional<String> text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node != null && node.isTextual() ? Optional.of(node.textValue()) : Optional.empty();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
