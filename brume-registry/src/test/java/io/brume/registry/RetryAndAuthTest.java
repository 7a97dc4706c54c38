package io.brume.registry;

import static io.brume.registry.ScriptedServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Retry, backoff and authentication behaviour against scripted HTTP servers. */
class RetryAndAuthTest {

  private static final byte[] MANIFEST =
      ("{\"schemaVersion\":2,\"mediaType\":\""
              + MediaType.OCI_MANIFEST
              + "\",\"config\":{"
              + "\"mediaType\":\""
              + MediaType.OCI_CONFIG
              + "\",\"size\":2,\"digest\":\"sha256:"
              + "1".repeat(64)
              + "\"},\"layers\":[]}")
          .getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> MANIFEST_HEADERS =
      Map.of("Content-Type", MediaType.OCI_MANIFEST);

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  private RegistryClient.Builder client(ScriptedServer server) {
    return RegistryClient.builder(server.hostPort())
        .plainHttp(true)
        .retryPolicy(
            new RetryPolicy(
                4, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)))
        .sleeper(sleeps::add)
        .random(new SplittableRandom(42));
  }

  @Test
  void retries503WithGrowingJitteredBackoff() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) -> {
                  if (n <= 2) {
                    respond(exchange, 503, Map.of(), "busy");
                  } else {
                    respond(exchange, 200, MANIFEST_HEADERS, MANIFEST);
                  }
                });
        RegistryClient client = client(server).build()) {
      FetchedManifest manifest = client.fetchManifest("app", "v1");
      assertThat(manifest.digest()).isEqualTo(Digest.sha256(MANIFEST));
      assertThat(server.requests()).hasSize(3);
      assertThat(sleeps).hasSize(2);
      assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }
  }

  @Test
  void honoursRetryAfterOn429() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) -> {
                  if (n == 1) {
                    respond(exchange, 429, Map.of("Retry-After", "3"), "slow down");
                  } else {
                    respond(exchange, 200, MANIFEST_HEADERS, MANIFEST);
                  }
                });
        RegistryClient client = client(server).build()) {
      client.fetchManifest("app", "v1");
      assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    }
  }

  @Test
  void givesUpAfterMaxAttemptsNamingTheReference() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer((exchange, n) -> respond(exchange, 502, Map.of(), "bad gateway"));
        RegistryClient client = client(server).build()) {
      assertThatThrownBy(() -> client.fetchManifest("team/app", "v1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining(server.hostPort() + "/team/app:v1")
          .hasMessageContaining("502");
      assertThat(server.requests()).hasSize(4);
      assertThat(sleeps).hasSize(3);
    }
  }

  @Test
  void notFoundFailsFastWithTheRegistrysErrorCode() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) ->
                    respond(
                        exchange,
                        404,
                        Map.of("Content-Type", "application/json"),
                        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"));
        RegistryClient client = client(server).build()) {
      assertThatThrownBy(() -> client.fetchManifest("team/app", "v9"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("fetch manifest " + server.hostPort() + "/team/app:v9")
          .hasMessageContaining("404")
          .hasMessageContaining("MANIFEST_UNKNOWN");
      assertThat(server.requests()).hasSize(1);
      assertThat(sleeps).isEmpty();
    }
  }

  @Test
  void forbiddenFailsFast() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer((exchange, n) -> respond(exchange, 403, Map.of(), ""));
        RegistryClient client = client(server).build()) {
      assertThatThrownBy(() -> client.fetchManifest("app", "v1"))
          .hasMessageContaining("403")
          .extracting(e -> ((RegistryException) e).status().getAsInt())
          .isEqualTo(403);
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void basicAuthIsSentAfterTheChallengeAndThenUpFront() throws Exception {
    Credentials credentials = new Credentials("alice", "wonderland");
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) -> {
                  String auth = exchange.getRequestHeaders().getFirst("Authorization");
                  if (credentials.basicAuthorization().equals(auth)) {
                    respond(exchange, 200, MANIFEST_HEADERS, MANIFEST);
                  } else {
                    respond(
                        exchange, 401, Map.of("WWW-Authenticate", "Basic realm=\"registry\""), "");
                  }
                });
        RegistryClient client = client(server).credentials(credentials).build()) {
      client.fetchManifest("app", "v1");
      client.fetchManifest("app", "v2");
      assertThat(server.requests())
          .extracting(ScriptedServer.Request::authorization)
          .containsExactly(
              null, credentials.basicAuthorization(), credentials.basicAuthorization());
    }
  }

  @Test
  void basicChallengeWithoutCredentialsFailsNamingTheReference() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) ->
                    respond(exchange, 401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), ""));
        RegistryClient client = client(server).build()) {
      assertThatThrownBy(() -> client.fetchManifest("private/app", "v1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("private/app:v1")
          .hasMessageContaining("401");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void wrongCredentialsAtTheTokenEndpointFailWithoutLeakingThem() throws Exception {
    try (ScriptedServer tokenServer =
            new ScriptedServer((exchange, n) -> respond(exchange, 401, Map.of(), "denied"));
        ScriptedServer registry =
            new ScriptedServer(
                (exchange, n) ->
                    respond(
                        exchange,
                        401,
                        Map.of(
                            "WWW-Authenticate",
                            "Bearer realm=\"http://"
                                + tokenServer.hostPort()
                                + "/token\",service=\"s\""),
                        ""));
        RegistryClient client =
            client(registry).credentials(new Credentials("bob", "hunter2")).build()) {
      assertThatThrownBy(() -> client.fetchManifest("app", "v1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("token request")
          .hasMessageContaining("repository:app:pull")
          .hasMessageNotContaining("hunter2");
      assertThat(tokenServer.requests().get(0).path())
          .isEqualTo("/token?service=s&scope=repository%3Aapp%3Apull");
    }
  }

  @Test
  void digestMismatchOfAManifestFetchedByDigestIsDetected() throws Exception {
    Digest wanted = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) -> respond(exchange, 200, MANIFEST_HEADERS, MANIFEST));
        RegistryClient client = client(server).build()) {
      assertThatThrownBy(() -> client.fetchManifest("app", wanted.toString()))
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining("expected " + wanted)
          .hasMessageContaining("got " + Digest.sha256(MANIFEST));
    }
  }

  @Test
  void dockerContentDigestHeaderIsCheckedForTags() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) ->
                    respond(
                        exchange,
                        200,
                        Map.of(
                            "Content-Type",
                            MediaType.OCI_MANIFEST,
                            "Docker-Content-Digest",
                            "sha256:" + "0".repeat(64)),
                        MANIFEST));
        RegistryClient client = client(server).build()) {
      assertThatThrownBy(() -> client.fetchManifest("app", "v1"))
          .isInstanceOf(DigestMismatchException.class);
    }
  }

  @Test
  void redirectedBlobDoesNotCarryTheRegistryCredentials() throws Exception {
    byte[] blob = "blob".getBytes(StandardCharsets.UTF_8);
    Credentials credentials = new Credentials("u", "p");
    try (ScriptedServer storage =
            new ScriptedServer((exchange, n) -> respond(exchange, 200, Map.of(), blob));
        ScriptedServer registry =
            new ScriptedServer(
                (exchange, n) -> {
                  if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
                    respond(exchange, 401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), "");
                  } else {
                    respond(
                        exchange,
                        307,
                        Map.of("Location", "http://" + storage.hostPort() + "/data?sig=x"),
                        "");
                  }
                });
        RegistryClient client = client(registry).credentials(credentials).build();
        BlobResponse response = client.openBlob("app", Digest.sha256(blob), 0)) {
      assertThat(response.body().readAllBytes()).isEqualTo(blob);
      assertThat(storage.requests())
          .extracting(ScriptedServer.Request::authorization)
          .containsOnlyNulls();
      assertThat(storage.requests().get(0).path()).isEqualTo("/data?sig=x");
    }
  }

  @Test
  void stalledBlobBodyIsAbortedWithATimeout() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Digest digest = Digest.sha256(new byte[1000]);
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) -> {
                  exchange.sendResponseHeaders(200, 1000);
                  exchange.getResponseBody().write(new byte[10]);
                  exchange.getResponseBody().flush();
                  try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
        RegistryClient client = client(server).stallTimeout(Duration.ofMillis(300)).build();
        BlobResponse blob = client.openBlob("app", digest, 0)) {
      InputStream in = blob.body();
      assertThat(in.readNBytes(10)).hasSize(10);
      long start = System.nanoTime();
      assertThatThrownBy(in::read)
          .isInstanceOf(java.net.SocketTimeoutException.class)
          .hasMessageContaining("app@" + digest)
          .hasMessageContaining("no data received for 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      // Let the server finish before the client closes: HttpClient.close() awaits open exchanges.
      release.countDown();
    } finally {
      release.countDown();
    }
  }

  @Test
  void registryIgnoringRangeIsReportedSoTheCallerRestarts() throws Exception {
    byte[] blob = "0123456789".getBytes(StandardCharsets.UTF_8);
    try (ScriptedServer server =
            new ScriptedServer((exchange, n) -> respond(exchange, 200, Map.of(), blob));
        RegistryClient client = client(server).build();
        BlobResponse response = client.openBlob("app", Digest.sha256(blob), 4)) {
      assertThat(response.rangeHonoured()).isFalse();
      assertThat(response.startOffset()).isZero();
      assertThat(response.totalSize()).hasValue(10);
      assertThat(response.body().readAllBytes()).isEqualTo(blob);
      assertThat(server.requests().get(0).range()).isEqualTo("bytes=4-");
    }
  }

  @Test
  void unsatisfiableRangeBeyondTheBlobFails() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                (exchange, n) ->
                    respond(exchange, 416, Map.of("Content-Range", "bytes */10"), ""));
        RegistryClient client = client(server).build()) {
      assertThatThrownBy(() -> client.openBlob("app", Digest.sha256(new byte[10]), 50))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("from byte 50")
          .hasMessageContaining("blob size is 10");
    }
  }

  @Test
  void expiredTokensAreFetchedAgain() throws Exception {
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(
            java.time.Instant.parse("2026-01-01T00:00:00Z"));
    java.time.Clock clock =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public java.time.Instant instant() {
            return now.get();
          }
        };
    try (ScriptedServer tokens =
            new ScriptedServer(
                (exchange, n) ->
                    respond(
                        exchange, 200, Map.of(), "{\"token\":\"t" + n + "\",\"expires_in\":60}"));
        ScriptedServer registry =
            new ScriptedServer(
                (exchange, n) -> {
                  String auth = exchange.getRequestHeaders().getFirst("Authorization");
                  if (auth != null && auth.startsWith("Bearer t")) {
                    respond(exchange, 200, MANIFEST_HEADERS, MANIFEST);
                  } else {
                    respond(
                        exchange,
                        401,
                        Map.of(
                            "WWW-Authenticate",
                            "Bearer realm=\"http://"
                                + tokens.hostPort()
                                + "/token\",service=\"s\""),
                        "");
                  }
                });
        RegistryClient client = client(registry).clock(clock).build()) {
      client.fetchManifest("app", "v1");
      now.set(now.get().plusSeconds(30));
      client.fetchManifest("app", "v1");
      now.set(now.get().plusSeconds(60));
      client.fetchManifest("app", "v1");
      assertThat(tokens.requests()).hasSize(2);
      assertThat(registry.requests())
          .extracting(ScriptedServer.Request::authorization)
          .containsExactly(null, "Bearer t1", "Bearer t1", "Bearer t2");
    }
  }
}
