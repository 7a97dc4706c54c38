package io.brume.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A Docker-style token endpoint (distribution's token auth spec) for a real {@link LocalRegistry}
 * configured with {@code auth: token}.
 *
 * <p>It signs with the shared {@link TestCertificate}; the certificate is the registry's {@code
 * rootcertbundle}, and tokens are RS256 JWTs carrying it in their {@code x5c} header. Anonymous
 * clients get pull access (configurable); with {@link #requireCredentials} only that user gets
 * tokens. Every request's scope is recorded so tests can check that clients cache tokens.
 */
public final class TokenServer implements AutoCloseable {

  private static final String SERVICE = "brume-test-registry";
  private static final String ISSUER = "brume-test-issuer";
  private static final Duration LIFETIME = Duration.ofMinutes(5);

  private final Path directory;
  private final PrivateKey key;
  private final X509Certificate certificate;
  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor =
      Executors.newVirtualThreadPerTaskExecutor();
  private final List<String> requestedScopes = new CopyOnWriteArrayList<>();
  private final ObjectMapper json = new ObjectMapper();
  private volatile Optional<String> requiredAuthorization = Optional.empty();
  private volatile boolean anonymousPull = true;

  private TokenServer(Path directory, PrivateKey key, X509Certificate certificate)
      throws IOException {
    this.directory = directory;
    this.key = key;
    this.certificate = certificate;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts serving tokens on a loopback port, signing with the shared {@link TestCertificate}. */
  public static TokenServer start() {
    Path directory = null;
    try {
      TestCertificate material = TestCertificate.get();
      directory = Files.createTempDirectory("brume-token-");
      material.writeCertificatePem(directory.resolve("rootcert.pem"));
      return new TokenServer(directory, material.privateKey(), material.certificate());
    } catch (IOException e) {
      if (directory != null) {
        TempDirs.deleteRecursively(directory);
      }
      throw new UncheckedIOException("cannot start token server", e);
    }
  }

  /** Only requests with these basic credentials get tokens (anonymous pull is then refused). */
  public TokenServer requireCredentials(String username, String password) {
    requiredAuthorization =
        Optional.of(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    anonymousPull = false;
    return this;
  }

  /** The realm URL to put into the registry's config. */
  public URI realm() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  /** The service name the registry announces and tokens are issued for. */
  public String service() {
    return SERVICE;
  }

  /** The issuer name the registry expects in tokens. */
  public String issuer() {
    return ISSUER;
  }

  /** The PEM certificate bundle the registry verifies token signatures against. */
  public Path rootCertBundle() {
    return directory.resolve("rootcert.pem");
  }

  /** The scopes of all token requests so far, in order ("" for requests without scope). */
  public List<String> requestedScopes() {
    return List.copyOf(requestedScopes);
  }

  /**
   * A token granting {@code actions} (e.g. {@code "pull", "push"}) on {@code repository}, for
   * fixtures such as {@link ImagePusher} that talk to the registry directly.
   */
  public String issue(String repository, String... actions) {
    return sign("brume-fixture", List.of(new Grant(repository, List.of(actions))));
  }

  private record Grant(String repository, List<String> actions) {}

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String scope = queryParameter(exchange.getRequestURI(), "scope").orElse("");
      requestedScopes.add(scope);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      boolean authenticated =
          requiredAuthorization.isPresent() && requiredAuthorization.get().equals(authorization);
      if (!authenticated && (!anonymousPull || authorization != null)) {
        respond(exchange, 401, "{\"details\":\"invalid credentials\"}");
        return;
      }
      List<Grant> grants = new ArrayList<>();
      for (String one : scope.isEmpty() ? new String[0] : scope.split(" ")) {
        String[] parts = one.split(":");
        if (parts.length == 3 && parts[0].equals("repository")) {
          List<String> actions =
              authenticated
                  ? List.of(parts[2].split(","))
                  : List.of(parts[2].split(",")).stream().filter("pull"::equals).toList();
          grants.add(new Grant(parts[1], actions));
        }
      }
      String token = sign(authenticated ? "user" : "anonymous", grants);
      ObjectNode body = json.createObjectNode();
      body.put("token", token);
      body.put("access_token", token);
      body.put("expires_in", LIFETIME.toSeconds());
      respond(exchange, 200, json.writeValueAsString(body));
    }
  }

  private static Optional<String> queryParameter(URI uri, String name) {
    String query = uri.getRawQuery();
    if (query == null) {
      return Optional.empty();
    }
    List<String> values = new ArrayList<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        values.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", values));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private String sign(String subject, List<Grant> grants) {
    try {
      ObjectNode header = json.createObjectNode();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
      long now = Clock.systemUTC().instant().getEpochSecond();
      ObjectNode claims = json.createObjectNode();
      claims.put("iss", ISSUER);
      claims.put("sub", subject);
      claims.put("aud", SERVICE);
      claims.put("exp", now + LIFETIME.toSeconds());
      claims.put("nbf", now - 60);
      claims.put("iat", now);
      claims.put("jti", UUID.randomUUID().toString());
      ArrayNode access = claims.putArray("access");
      for (Grant grant : grants) {
        ObjectNode entry = access.addObject();
        entry.put("type", "repository");
        entry.put("name", grant.repository());
        ArrayNode actions = entry.putArray("actions");
        grant.actions().forEach(actions::add);
      }
      Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
      String signingInput =
          url.encodeToString(json.writeValueAsBytes(header))
              + "."
              + url.encodeToString(json.writeValueAsBytes(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + url.encodeToString(signature.sign());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot sign token", e);
    }
  }

  /** Stops serving and deletes the key material. */
  @Override
  public void close() {
    server.stop(0);
    executor.close();
    TempDirs.deleteRecursively(directory);
  }
}
