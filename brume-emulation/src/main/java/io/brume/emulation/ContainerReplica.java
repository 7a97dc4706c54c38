package io.brume.emulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A demo replica's page served by a real container: the OCI runtime bundle brume exported for the
 * node's image, run by {@code crun} in the host's network namespace with busybox httpd serving the
 * image's {@code /www} on a loopback port. It is the {@link ReplicaBackend} of a {@link
 * DemoReplica}, which keeps the capacity model and forwards every admitted request here.
 *
 * <p>The bundle is not modified: the adjusted {@code config.json} (no network namespace, a
 * read-only root, httpd in the foreground as the process) is written to the container's private
 * state directory, which also holds crun's state root ({@code --root}) and the container's log. So
 * one exported bundle can back several containers, for instance one per routing lane.
 *
 * <p>Wiring, for {@code brume up}: detect once with {@link ReplicaRuntime#detect()}, show its
 * {@link ReplicaRuntime#description()} as the dashboard's {@code replicaRuntime()}; when a node's
 * image is committed and exported to a bundle, and {@link ReplicaRuntime#forBundle} still says
 * containers, {@code start(runtime.crun().orElseThrow(), bundle, node, 0)} and give it to the
 * node's {@code DemoReplica}s; close it when the fog closes (replicas do not close backends).
 *
 * <p>{@link #close()} deletes the container with {@code crun delete --force} (which kills its
 * processes and removes its cgroups; its mounts live in its own mount namespace and go with it) and
 * then removes the state directory; {@link #start} does the same when the container does not come
 * up, so a failure leaves nothing behind.
 */
final class ContainerReplica implements ReplicaBackend, AutoCloseable {
  /** Every container id brume up creates starts with this, so that they are easy to find. */
  static final String ID_PREFIX = RunDirectories.PREFIX;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration CRUN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final int LOG_TAIL = 2000;

  private final Crun crun;
  private final String id;
  private final Path state;
  private final Path crunRoot;
  private final Path log;
  private final int port;
  private final HttpClient http;
  private boolean runStarted;
  private boolean closed;

  private ContainerReplica(Crun crun, String id, Path state, int port) {
    this.crun = crun;
    this.id = id;
    this.state = state;
    this.crunRoot = state.resolve(RunDirectories.CRUN_ROOT);
    this.log = state.resolve("container.log");
    this.port = port;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /**
   * Runs {@code bundle} as a container serving its {@code /www} on {@code 127.0.0.1:port} (a free
   * port when 0) and returns once the server answers; its state lives in a new directory under the
   * system's temporary directory.
   *
   * @param name what the container serves for (the node's name), part of its id
   * @throws IllegalArgumentException when the bundle has no config.json, /bin/busybox or /www
   * @throws IOException when the container does not start or serve; nothing is left behind
   */
  static ContainerReplica start(Crun crun, Path bundle, String name, int port) throws IOException {
    return start(crun, bundle, name, port, RunDirectories.temporaryDirectory());
  }

  /** {@link #start(Crun, Path, String, int)} with the state directory under {@code stateParent}. */
  static ContainerReplica start(Crun crun, Path bundle, String name, int port, Path stateParent)
      throws IOException {
    Optional<String> missing = missingFromBundle(bundle);
    if (missing.isPresent()) {
      throw new IllegalArgumentException(
          "cannot run " + bundle + " as a demo replica: it has no " + missing.get());
    }
    int chosenPort = port == 0 ? freeLoopbackPort() : port;
    String id = ID_PREFIX + idPart(name) + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
    // 0700; a short name keeps paths under crun's root short (Unix socket paths are limited).
    // Owned by this process, so that the next brume up deletes the container if this one is killed.
    Path state = RunDirectories.create(stateParent, "");
    ContainerReplica replica = new ContainerReplica(crun, id, state, chosenPort);
    try {
      Files.createDirectory(replica.crunRoot);
      Path config = state.resolve("config.json");
      JSON.writeValue(config.toFile(), httpdConfig(bundle, chosenPort));
      replica.run(bundle, config);
      replica.awaitServing();
      return replica;
    } catch (IOException | RuntimeException e) {
      try {
        replica.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** What the bundle lacks to run as a demo replica ({@code "/bin/busybox"} …), if anything. */
  static Optional<String> missingFromBundle(Path bundle) {
    Path rootfs = bundle.resolve("rootfs");
    if (!Files.isRegularFile(bundle.resolve("config.json"))) {
      return Optional.of("config.json");
    }
    // Not following links: an absolute link would be resolved on the host, not in the rootfs.
    if (!Files.isRegularFile(rootfs.resolve("bin/busybox"), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of("/bin/busybox");
    }
    if (!Files.isDirectory(rootfs.resolve("www"), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of("/www");
    }
    return Optional.empty();
  }

  /** The container's id, {@code brume-up-<name>-<random>}. */
  String id() {
    return id;
  }

  /** The loopback port the container's httpd serves on. */
  int port() {
    return port;
  }

  /** The container's private state directory (crun's root, its config and log). */
  Path stateDirectory() {
    return state;
  }

  /** The host pid of the container's process (busybox httpd), as crun reports it. */
  long pid() throws IOException {
    return JSON.readTree(crunOrFail("state", id)).path("pid").asLong();
  }

  @Override
  public String describe() {
    return "container " + id;
  }

  /**
   * The container's page, whatever path was asked: the demo service is one page ({@code
   * /www/index.html}), and the emulated clients' path ({@code /demo?from=…}) only names the client.
   * The query is passed on, for the container's access log.
   */
  @Override
  public Response serve(URI requestUri) throws IOException {
    String query = requestUri.getRawQuery();
    return get("/" + (query == null ? "" : "?" + query), REQUEST_TIMEOUT);
  }

  private Response get(String pathAndQuery, Duration timeout) throws IOException {
    URI page = URI.create("http://127.0.0.1:" + port + pathAndQuery);
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(page).timeout(timeout).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while asking " + describe());
    }
  }

  /**
   * Deletes the container (killing its processes, removing its cgroups) and its state directory.
   * Idempotent.
   *
   * @throws IllegalStateException when crun cannot delete the container; the state directory is
   *     then kept, and the message says how to delete it by hand
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    String failure = runStarted ? crun.forceDelete(crunRoot, CRUN_TIMEOUT, id) : null;
    http.close(); // after the delete: requests still in flight fail at once
    if (failure != null) {
      throw new IllegalStateException(
          "crun could not delete container "
              + id
              + " ("
              + failure
              + "); delete it with: crun --root "
              + crunRoot
              + " delete --force "
              + id);
    }
    try {
      removeState();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + state, e);
    }
  }

  /** The bundle's config, adjusted to serve /www with busybox httpd on the host's loopback. */
  private static ObjectNode httpdConfig(Path bundle, int port) throws IOException {
    JsonNode parsed = JSON.readTree(bundle.resolve("config.json").toFile());
    if (!(parsed instanceof ObjectNode config)
        || !(config.path("process") instanceof ObjectNode process)
        || !(config.path("linux").path("namespaces") instanceof ArrayNode namespaces)) {
      throw new IOException(
          bundle.resolve("config.json") + " is not an OCI runtime config with process and linux");
    }
    process.put("terminal", false);
    process
        .putArray("args")
        .add("/bin/busybox")
        .add("httpd")
        .add("-f") // foreground: the container lives as long as the server
        .add("-p")
        .add("127.0.0.1:" + port)
        .add("-h")
        .add("/www");
    // The host's network namespace, so that the replica's port is on the host's loopback.
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if (namespaces.get(i).path("type").asText().equals("network")) {
        namespaces.remove(i);
      }
    }
    // Read-only: the server only reads, and one bundle may back several containers.
    ((ObjectNode) config.path("root")).put("readonly", true);
    return config;
  }

  /** {@code crun run --detach}; its output and the container's go to the log file. */
  private void run(Path bundle, Path config) throws IOException {
    runStarted = true;
    Process process =
        new ProcessBuilder(
                crun.command(
                    crunRoot,
                    "run",
                    "--detach",
                    "--config",
                    config.toString(),
                    "--bundle",
                    bundle.toAbsolutePath().toString(),
                    id))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    try {
      if (!process.waitFor(CRUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("crun run did not start container " + id + " within " + CRUN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while starting container " + id);
    } finally {
      process.destroyForcibly();
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "crun could not start container " + id + " from " + bundle + ": " + logTail());
    }
  }

  /**
   * Waits until httpd answers; fails as soon as the container has stopped (an answer while it has
   * stopped came from whoever else holds the port).
   */
  private void awaitServing() throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      try {
        get("/", PROBE_TIMEOUT);
        if (isRunning()) {
          return;
        }
        throw new IOException("answered, but not by the container");
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException notYet) {
        if (!isRunning()) {
          throw new IOException(
              "container " + id + " stopped before serving on port " + port + ": " + logTail());
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "container " + id + " did not serve on port " + port + " within " + READY_TIMEOUT);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for container " + id);
      }
    }
  }

  private boolean isRunning() throws IOException {
    Crun.Result state = crun.run(crunRoot, CRUN_TIMEOUT, "state", id);
    return state.succeeded()
        && JSON.readTree(state.output()).path("status").asText().equals("running");
  }

  private String crunOrFail(String... args) throws IOException {
    Crun.Result result = crun.run(crunRoot, CRUN_TIMEOUT, args);
    if (!result.succeeded()) {
      throw new IOException("crun " + String.join(" ", args) + " failed: " + result.output());
    }
    return result.output();
  }

  private String logTail() {
    try {
      String text = Files.readString(log).strip();
      return text.length() <= LOG_TAIL ? text : "…" + text.substring(text.length() - LOG_TAIL);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Node names become id parts: letters, digits and dashes, at most 24 characters. */
  private static String idPart(String name) {
    String part = name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    part = part.length() > 24 ? part.substring(0, 24) : part;
    return part.isEmpty() ? "replica" : part;
  }

  /**
   * A port free on loopback right now. Another process may take it before httpd binds it; httpd
   * then exits and {@link #start} fails with "Address already in use" from the container's log.
   */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Removes what {@link #start} wrote, by name: crun's root must be empty by now, and a leftover
   * there fails the removal (DirectoryNotEmptyException) rather than being hidden.
   */
  private void removeState() throws IOException {
    Files.deleteIfExists(state.resolve("config.json"));
    Files.deleteIfExists(log);
    Files.deleteIfExists(crunRoot);
    Files.deleteIfExists(state.resolve(RunDirectories.OWNER_FILE));
    Files.deleteIfExists(state);
  }
}
