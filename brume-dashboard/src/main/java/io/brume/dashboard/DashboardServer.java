package io.brume.dashboard;

import com.sun.net.httpserver.HttpExchange;
import io.brume.http.EmbeddedHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Serves the dashboard page and its JSON API for one {@link DashboardSource}, on an {@link
 * EmbeddedHttpServer} (one virtual thread per request, its default caps and deadlines).
 *
 * <p>Routes: {@code /} the page; {@code /app.js}, {@code /style.css} its assets (from the jar, no
 * external network); {@code /api/nodes}, {@code /api/routing}, {@code /api/stats}, {@code
 * /api/deployments}, {@code /api/info} (see {@link DashboardJson}). Only GET and HEAD are answered.
 *
 * <p>Lifecycle: {@link #start} binds and serves; {@link #close} stops accepting, waits at most one
 * second for requests in flight and releases the port and the threads.
 */
public final class DashboardServer implements AutoCloseable {
  private static final String STATIC = "/io/brume/dashboard/static/";
  private static final Map<String, String> ASSETS =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/app.js", "app.js",
          "/style.css", "style.css");

  private final DashboardSource source;
  private final DashboardJson json = new DashboardJson();
  private @Nullable EmbeddedHttpServer server;

  private DashboardServer(DashboardSource source) {
    this.source = source;
  }

  /**
   * Binds {@code address} (port 0 picks a free port) and starts serving {@code source}.
   *
   * @throws UncheckedIOException naming the address if it cannot be bound
   */
  public static DashboardServer start(DashboardSource source, InetSocketAddress address) {
    Objects.requireNonNull(source, "source");
    DashboardServer dashboard = new DashboardServer(source);
    try {
      dashboard.server =
          EmbeddedHttpServer.builder("brume-dashboard", address)
              .stopDelaySeconds(1)
              .route("/", dashboard::handle)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve the dashboard on "
              + address
              + ": "
              + Objects.requireNonNullElse(e.getCause(), e).getMessage(),
          e);
    }
    return dashboard;
  }

  /** The bound port. */
  public int port() {
    return server().address().getPort();
  }

  /** The page's URL, for example {@code http://127.0.0.1:7070/}. */
  public URI uri() {
    return URI.create(
        "http://" + server().address().getAddress().getHostAddress() + ":" + port() + "/");
  }

  @Override
  public void close() {
    server().close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain", bytes("only GET and HEAD are served\n"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Supplier<Object> api = api(path);
      if (api != null) {
        send(exchange, 200, "application/json", json.bytes(api.get()));
      } else if (ASSETS.containsKey(path)) {
        String file = ASSETS.get(path);
        send(exchange, 200, contentType(file), asset(file));
      } else {
        send(exchange, 404, "text/plain", bytes("no such page: " + path + "\n"));
      }
    } catch (RuntimeException e) {
      // The source failed (for example while shutting down): answer rather than drop the request.
      send(exchange, 500, "text/plain", bytes("dashboard source failed: " + e + "\n"));
    }
  }

  private @Nullable Supplier<Object> api(String path) {
    return switch (path) {
      case "/api/nodes" -> () -> json.nodes(source.nodes());
      case "/api/routing" -> () -> json.routing(source.routing());
      case "/api/stats" -> () -> json.stats(source.stats());
      case "/api/deployments" -> () -> json.deployments(source.deployments());
      case "/api/info" -> () -> json.info(source.title(), source.replicaRuntime());
      default -> null;
    };
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    EmbeddedHttpServer.send(exchange, status, type + "; charset=utf-8", body);
  }

  private static byte[] asset(String file) throws IOException {
    try (InputStream in = DashboardServer.class.getResourceAsStream(STATIC + file)) {
      if (in == null) {
        throw new IOException("dashboard asset " + STATIC + file + " is missing from the jar");
      }
      return in.readAllBytes();
    }
  }

  private static String contentType(String file) {
    if (file.endsWith(".js")) {
      return "text/javascript";
    }
    if (file.endsWith(".css")) {
      return "text/css";
    }
    return "text/html";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The server serving the dashboard; set once started. */
  private EmbeddedHttpServer server() {
    return Objects.requireNonNull(server, "not started");
  }
}
