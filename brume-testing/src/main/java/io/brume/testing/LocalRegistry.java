package io.brume.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's real {@code docker-registry} (distribution 2.8) on a free loopback port, with its
 * storage in a temporary directory that is deleted on {@link #close()}.
 *
 * <p>Use as try-with-resources ({@code try (LocalRegistry r = LocalRegistry.start()) {…}}) or as a
 * JUnit 5 extension on a static field ({@code @RegisterExtension static final LocalRegistry
 * REGISTRY = LocalRegistry.create();}), which starts it before all tests of the class and stops it
 * after. A missing binary fails loudly: CI installs the {@code docker-registry} package.
 */
public final class LocalRegistry implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  /** Path of the registry binary; override with system property {@code brume.docker-registry}. */
  public static final Path BINARY =
      Path.of(System.getProperty("brume.docker-registry", "/usr/bin/docker-registry"));

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
  private static final int START_ATTEMPTS = 3;

  private final Optional<TokenServer> tokenAuth;
  private final boolean tls;
  private @Nullable Path directory;
  private @Nullable Process process;
  private int port;

  private LocalRegistry(Optional<TokenServer> tokenAuth, boolean tls) {
    this.tokenAuth = tokenAuth;
    this.tls = tls;
  }

  /** An anonymous registry, not yet started (for {@code @RegisterExtension}). */
  public static LocalRegistry create() {
    return new LocalRegistry(Optional.empty(), false);
  }

  /** A registry that requires bearer tokens from {@code tokens}, not yet started. */
  public static LocalRegistry withTokenAuth(TokenServer tokens) {
    return new LocalRegistry(Optional.of(tokens), false);
  }

  /**
   * An anonymous registry serving HTTPS with the self-signed {@link TestCertificate}, which clients
   * do not trust unless given {@link #trustingContext()}; not yet started.
   */
  public static LocalRegistry withTls() {
    return new LocalRegistry(Optional.empty(), true);
  }

  /** Whether the registry serves HTTPS. */
  public boolean tls() {
    return tls;
  }

  /** A client TLS context trusting this registry's certificate (when it serves HTTPS). */
  public Optional<SSLContext> trustingContext() {
    return tls ? Optional.of(TestCertificate.get().trustingContext()) : Optional.empty();
  }

  /** An HTTP client for fixtures, trusting the registry's certificate when it serves HTTPS. */
  HttpClient.Builder fixtureClient() {
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    trustingContext().ifPresent(builder::sslContext);
    return builder;
  }

  /** Starts an anonymous registry and waits until it answers. */
  public static LocalRegistry start() {
    LocalRegistry registry = create();
    registry.startProcess();
    return registry;
  }

  /** Starts the registry if not running yet and waits until {@code /v2/} answers. */
  public synchronized LocalRegistry startProcess() {
    if (process != null) {
      return this;
    }
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " not found or not executable: install the Debian package docker-registry");
    }
    try {
      directory = Files.createTempDirectory("brume-registry-");
      IllegalStateException last = null;
      for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        try {
          launchOnFreePort();
          return this;
        } catch (IllegalStateException e) {
          // Another process may have taken the free port between probing and binding.
          last = e;
          stopProcess();
        }
      }
      throw last;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot start " + BINARY, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void launchOnFreePort() throws IOException {
    port = freePort();
    Path directory = Objects.requireNonNull(this.directory, "startProcess() creates it");
    Path config = directory.resolve("config.yml");
    if (tls) {
      TestCertificate.get().writeCertificatePem(directory.resolve("tls-cert.pem"));
      TestCertificate.get().writeKeyPem(directory.resolve("tls-key.pem"));
    }
    Files.writeString(config, config(directory.resolve("storage"), port));
    Path log = directory.resolve("registry.log");
    Process started =
        new ProcessBuilder(BINARY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    process = started;
    HttpClient http = fixtureClient().connectTimeout(Duration.ofSeconds(1)).build();
    try (http) {
      Awaitility.await("docker-registry on port " + port)
          .atMost(STARTUP_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> answers(http) || !started.isAlive());
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "docker-registry did not answer on port "
              + port
              + " within "
              + STARTUP_TIMEOUT
              + "; log:\n"
              + tail(log),
          e);
    }
    if (!started.isAlive()) {
      throw new IllegalStateException(
          "docker-registry exited with " + started.exitValue() + "; log:\n" + tail(log));
    }
  }

  private boolean answers(HttpClient http) {
    try {
      int status =
          http.send(
                  HttpRequest.newBuilder(url().resolve("/v2/"))
                      .timeout(Duration.ofSeconds(1))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      return status == 200 || status == 401;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String config(Path storage, int listenPort) {
    String auth =
        tokenAuth
            .map(
                t ->
                    """
                    auth:
                      token:
                        realm: %s
                        service: %s
                        issuer: %s
                        rootcertbundle: %s
                    """
                        .formatted(t.realm(), t.service(), t.issuer(), t.rootCertBundle()))
            .orElse("");
    String tlsConfig =
        tls
            ? """
                tls:
                  certificate: %s
                  key: %s
              """
                .formatted(
                    storage.resolveSibling("tls-cert.pem"), storage.resolveSibling("tls-key.pem"))
            : "";
    return """
        version: 0.1
        log:
          level: warn
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:%d
          secret: brume-test-secret
        %s%s"""
        .formatted(storage, listenPort, tlsConfig, auth);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The base URL, {@code http://127.0.0.1:PORT} (or {@code https://} with TLS). */
  public URI url() {
    return URI.create((tls ? "https://" : "http://") + hostPort());
  }

  /** {@code 127.0.0.1:PORT}, the registry part of image references. */
  public String hostPort() {
    requireRunning();
    return "127.0.0.1:" + port;
  }

  /** The TCP port. */
  public int port() {
    requireRunning();
    return port;
  }

  /** The registry's log so far (for assertion messages). */
  public String log() {
    return tail(Objects.requireNonNull(directory, "not started").resolve("registry.log"));
  }

  private void requireRunning() {
    if (process == null) {
      throw new IllegalStateException("LocalRegistry is not started");
    }
  }

  private void stopProcess() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Stops the registry and deletes its storage. */
  @Override
  public synchronized void close() {
    stopProcess();
    if (directory != null) {
      TempDirs.deleteRecursively(directory);
      directory = null;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startProcess();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }
}
