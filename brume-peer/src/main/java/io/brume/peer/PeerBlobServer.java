package io.brume.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import io.brume.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a node's verified blobs read-only over the OCI distribution API, to cluster members only:
 *
 * <ul>
 *   <li>{@code GET /v2/}: 200 (the API check clients make first);
 *   <li>{@code HEAD}/{@code GET /v2/<name>/blobs/<digest>}, with {@code Range};
 *   <li>{@code HEAD}/{@code GET /v2/<name>/manifests/<digest>}: by digest only. A tag is answered
 *       404: which image a tag means is the registry's to say, never a peer's;
 *   <li>{@code GET /v2/_brume/peers}: the directory of peers this node knows (when configured).
 * </ul>
 *
 * Every request needs {@code Authorization: Bearer <cluster token>} (else 401). Content comes only
 * from the store's {@code blobs/} directory, where a blob appears only after its size and digest
 * were verified; partial downloads in {@code ingest/} are never served. The blob is looked up by
 * digest whatever {@code <name>} says (content addressing; every caller is a cluster member).
 * Bodies being sent are capped ({@code maxUploads}): past the cap a {@code GET} gets 429 with
 * {@code Retry-After}, and the fetching node moves on to another peer, so a small node is never
 * swamped. One virtual thread per request.
 */
public final class PeerBlobServer implements AutoCloseable {
  /** Distribution paths; {@code <name>} components as the distribution spec defines them. */
  private static final Pattern CONTENT =
      Pattern.compile(
          "/v2/((?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
              + "/(blobs|manifests)/([^/]+)");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 256 * 1024;

  /**
   * On a 404 for a blob: this node is downloading from its registry right now (some partial
   * download was written to recently), so a peer that expects it to fetch the blob should wait.
   */
  public static final String FETCHING_HEADER = "Brume-Fetching";

  static final Duration FETCHING_FRESHNESS = Duration.ofSeconds(5);

  private final Clock clock = Clock.systemUTC();

  private final BlobStore blobs;
  private final ClusterToken token;
  private final Semaphore uploads;
  private final Supplier<Optional<PeerDirectory>> directory;
  private final HttpServer server;
  private final ExecutorService executor;
  private final LongAdder bytesServed = new LongAdder();
  private final LongAdder blobsServed = new LongAdder();
  private final LongAdder rejectedFull = new LongAdder();
  private final LongAdder rejectedUnauthorized = new LongAdder();

  private PeerBlobServer(
      InetSocketAddress address,
      BlobStore blobs,
      ClusterToken token,
      int maxUploads,
      Supplier<Optional<PeerDirectory>> directory)
      throws IOException {
    if (maxUploads < 1) {
      throw new IllegalArgumentException("max uploads must be at least 1, got " + maxUploads);
    }
    this.blobs = Objects.requireNonNull(blobs);
    this.token = Objects.requireNonNull(token);
    this.uploads = new Semaphore(maxUploads);
    this.directory = directory;
    this.server = HttpServer.create(address, 64);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Binds {@code address} and starts serving.
   *
   * @param maxUploads blob bodies sent at once; more get 429
   * @param directory what {@code /v2/_brume/peers} answers (empty: 404)
   */
  public static PeerBlobServer start(
      InetSocketAddress address,
      BlobStore blobs,
      ClusterToken token,
      int maxUploads,
      Supplier<Optional<PeerDirectory>> directory)
      throws IOException {
    PeerBlobServer s = new PeerBlobServer(address, blobs, token, maxUploads, directory);
    s.server.start();
    return s;
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Body bytes sent to peers since start. */
  public long bytesServed() {
    return bytesServed.sum();
  }

  /** Blob and manifest bodies sent in full. */
  public long blobsServed() {
    return blobsServed.sum();
  }

  /** Requests answered 429 because {@code maxUploads} bodies were being sent. */
  public long rejectedFull() {
    return rejectedFull.sum();
  }

  /** Requests answered 401. */
  public long rejectedUnauthorized() {
    return rejectedUnauthorized.sum();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        error(ex, head, 405, "UNSUPPORTED", "this server is read-only: GET and HEAD only");
        return;
      }
      if (!token.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
        // The presented value is never logged or echoed.
        rejectedUnauthorized.increment();
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"brume-cluster\"");
        error(ex, head, 401, "UNAUTHORIZED", "a cluster token is required");
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path.equals("/v2/") || path.equals("/v2")) {
        ex.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
        send(ex, head, 200, "application/json", "{}");
        return;
      }
      if (path.equals("/v2/_brume/peers")) {
        Optional<PeerDirectory> peers = directory.get();
        if (peers.isEmpty()) {
          error(ex, head, 404, "NOT_FOUND", "this node has no peer directory");
        } else {
          send(ex, head, 200, "application/json", JSON.writeValueAsString(peers.get().toJson()));
        }
        return;
      }
      Matcher m = CONTENT.matcher(path);
      if (!m.matches()) {
        error(ex, head, 404, "NOT_FOUND", "no such endpoint");
        return;
      }
      boolean manifest = m.group(2).equals("manifests");
      Digest digest;
      try {
        digest = Digest.parse(m.group(3));
      } catch (IllegalArgumentException e) {
        if (manifest) {
          error(
              ex,
              head,
              404,
              "MANIFEST_UNKNOWN",
              "peers serve manifests by digest only; resolve tags at the registry");
        } else {
          error(ex, head, 400, "DIGEST_INVALID", "invalid digest");
        }
        return;
      }
      serve(ex, head, digest, manifest);
    } catch (RuntimeException e) {
      try {
        error(ex, false, 500, "UNKNOWN", "internal error");
      } catch (IOException | RuntimeException ignored) {
        // headers already sent or the client went away
      }
    }
  }

  private void serve(HttpExchange ex, boolean head, Digest digest, boolean manifest)
      throws IOException {
    String unknown = manifest ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN";
    FileChannel file;
    try {
      // Only blobs/ is read: a blob is renamed there after it was verified, never before.
      file = FileChannel.open(blobs.path(digest), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      if (fetchingNow()) {
        ex.getResponseHeaders().set(FETCHING_HEADER, "1");
      }
      error(ex, head, 404, unknown, "not on this node: " + digest);
      return;
    }
    try (file) {
      long size = file.size();
      String type = "application/octet-stream";
      if (manifest) {
        Optional<String> manifestType = manifestType(file, size);
        if (manifestType.isEmpty()) {
          error(ex, head, 404, unknown, "not a manifest: " + digest);
          return;
        }
        type = manifestType.get();
      }
      ByteRange.Request wanted =
          ByteRange.parse(Optional.ofNullable(ex.getRequestHeaders().getFirst("Range")), size);
      var headers = ex.getResponseHeaders();
      headers.set("Docker-Content-Digest", digest.toString());
      headers.set("Accept-Ranges", "bytes");
      if (wanted instanceof ByteRange.Unsatisfiable) {
        headers.set("Content-Range", "bytes */" + size);
        error(ex, head, 416, "RANGE_INVALID", "range not satisfiable for " + size + " bytes");
        return;
      }
      ByteRange range =
          wanted instanceof ByteRange.Partial partial
              ? partial.range()
              : new ByteRange(0, size - 1);
      int status = wanted instanceof ByteRange.Partial ? 206 : 200;
      if (status == 206) {
        headers.set("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
      }
      headers.set("Content-Type", type);
      if (head) {
        headers.set("Content-Length", Long.toString(size == 0 ? 0 : range.length()));
        ex.sendResponseHeaders(status, -1);
        return;
      }
      if (!uploads.tryAcquire()) {
        rejectedFull.increment();
        headers.remove("Content-Range");
        headers.set("Retry-After", "1");
        error(ex, false, 429, "TOOMANYREQUESTS", "this node is serving its maximum of uploads");
        return;
      }
      try {
        long length = size == 0 ? 0 : range.length();
        ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
          copy(file, range.first(), length, ex.getResponseBody());
          if (range.first() == 0 && length == size) {
            blobsServed.increment();
          }
        }
      } finally {
        uploads.release();
      }
    }
  }

  /** Whether this node wrote a partial download within {@link #FETCHING_FRESHNESS}. */
  private boolean fetchingNow() throws IOException {
    Optional<Instant> last = blobs.lastIngestWrite();
    return last.isPresent()
        && Duration.between(last.get(), clock.instant()).compareTo(FETCHING_FRESHNESS) < 0;
  }

  private void copy(FileChannel file, long from, long length, OutputStream out) throws IOException {
    file.position(from);
    InputStream in = Channels.newInputStream(file);
    byte[] buffer = new byte[CHUNK];
    long left = length;
    try (out) {
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("blob shorter than its size while serving");
        }
        out.write(buffer, 0, n);
        bytesServed.add(n);
        left -= n;
      }
    }
  }

  /** The manifest media type of a stored blob, or empty when it is no manifest. */
  private static Optional<String> manifestType(FileChannel file, long size) throws IOException {
    if (size > 4L << 20) {
      return Optional.empty(); // manifests are small; a big blob is a layer
    }
    JsonNode json;
    try {
      file.position(0);
      json = JSON.readTree(Channels.newInputStream(file).readNBytes((int) size));
    } catch (IOException e) {
      return Optional.empty();
    }
    if (json == null || !json.isObject()) {
      return Optional.empty();
    }
    String declared = MediaType.essence(json.path("mediaType").asText(""));
    if (MediaType.MANIFEST_TYPES.contains(declared)) {
      return Optional.of(declared);
    }
    if (!declared.isEmpty()) {
      return Optional.empty();
    }
    if (json.has("manifests")) {
      return Optional.of(MediaType.OCI_INDEX);
    }
    if (json.has("config") && json.has("layers")) {
      return Optional.of(MediaType.OCI_MANIFEST);
    }
    return Optional.empty();
  }

  private static void error(HttpExchange ex, boolean head, int status, String code, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode e = body.putArray("errors").addObject();
    e.put("code", code);
    e.put("message", message);
    send(ex, head, status, "application/json", JSON.writeValueAsString(body));
  }

  private static void send(HttpExchange ex, boolean head, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    if (head) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
