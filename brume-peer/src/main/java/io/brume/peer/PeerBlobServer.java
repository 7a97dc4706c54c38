package io.brume.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.brume.http.EmbeddedHttpServer;
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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * swamped. Served by brume's {@link EmbeddedHttpServer} (one virtual thread per request, requests
 * in flight capped, a deadline for the headers); the upload cap is this server's own, below that.
 *
 * <p>Registry mirror for plain containerd (Spegel's model): with a {@link PeerFetcher}, a request
 * that containerd sends to its {@code hosts.toml} mirror (it carries {@code ?ns=<registry>}) from
 * this node itself (loopback) and asks for a blob or manifest this node does not hold is answered
 * from the nearest peer that holds it, verified against its digest as it streams; if no peer has it
 * the answer is 404 and containerd falls back to the registry. Requests from other nodes are never
 * forwarded (no loops, no amplification). See docs/p2p.md for the hosts.toml.
 */
public final class PeerBlobServer implements AutoCloseable {
  /** Distribution paths; {@code <name>} components as the distribution spec defines them. */
  private static final Pattern CONTENT =
      Pattern.compile(
          "/v2/((?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
              + "/(blobs|manifests)/([^/]+)");

  private static final ObjectMapper JSON = new ObjectMapper();
  // DEBUG: every body served and every 429, for the timeline of a deployment (bench/p2p).
  private static final System.Logger LOG = System.getLogger(PeerBlobServer.class.getName());
  private static final int CHUNK = 256 * 1024;

  /**
   * On a 404 for a blob: this node is downloading right now, so a peer that expects it to have the
   * blob soon should wait. The value says what: {@value #FETCHING_THIS} (this very blob's partial
   * download was written to recently) or {@value #FETCHING_OTHER} (another blob's was: a site's
   * seeder fetches an image's layers one after the other).
   */
  public static final String FETCHING_HEADER = "Brume-Fetching";

  static final String FETCHING_THIS = "blob";
  static final String FETCHING_OTHER = "other";

  static final Duration FETCHING_FRESHNESS = Duration.ofSeconds(5);

  private final Clock clock = Clock.systemUTC();

  private final BlobStore blobs;
  private final ClusterToken token;
  private final Semaphore uploads;
  private final Supplier<Optional<PeerDirectory>> directory;
  private final Optional<PeerFetcher> mirror;
  private final LongAdder bytesMirrored = new LongAdder();
  private final EmbeddedHttpServer server;
  private final LongAdder bytesServed = new LongAdder();
  private final LongAdder blobsServed = new LongAdder();
  private final LongAdder rejectedFull = new LongAdder();
  private final LongAdder rejectedUnauthorized = new LongAdder();

  private PeerBlobServer(
      InetSocketAddress address,
      BlobStore blobs,
      ClusterToken token,
      int maxUploads,
      Supplier<Optional<PeerDirectory>> directory,
      Optional<PeerFetcher> mirror)
      throws IOException {
    if (maxUploads < 1) {
      throw new IllegalArgumentException("max uploads must be at least 1, got " + maxUploads);
    }
    this.blobs = Objects.requireNonNull(blobs);
    this.token = Objects.requireNonNull(token);
    this.uploads = new Semaphore(maxUploads);
    this.directory = directory;
    this.mirror = mirror;
    this.server =
        EmbeddedHttpServer.builder("brume-peer-http", address)
            .route("/", this::handle)
            // Past the upload cap a request must still get its 429 quickly, so the server admits
            // far more requests than bodies it sends.
            .maxRequests(Math.max(64, 4 * maxUploads))
            // A layer may take minutes at a thin link's rate: no deadline for the whole request.
            // Fetchers abandon a stalled peer themselves; the header deadline still applies.
            .noRequestTimeout()
            .start();
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
    return start(address, blobs, token, maxUploads, directory, Optional.empty());
  }

  /**
   * As {@link #start(InetSocketAddress, BlobStore, ClusterToken, int, Supplier)}, also answering
   * this node's containerd mirror requests for content it lacks from its peers through {@code
   * mirror}.
   */
  public static PeerBlobServer start(
      InetSocketAddress address,
      BlobStore blobs,
      ClusterToken token,
      int maxUploads,
      Supplier<Optional<PeerDirectory>> directory,
      Optional<PeerFetcher> mirror)
      throws IOException {
    return new PeerBlobServer(address, blobs, token, maxUploads, directory, mirror);
  }

  /** Bytes of containerd mirror requests answered from other peers. */
  public long bytesMirrored() {
    return bytesMirrored.sum();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.address();
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
        DistributionResponses.apiVersion(ex, head);
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
      serve(ex, head, m.group(1), digest, manifest);
    } catch (RuntimeException e) {
      try {
        error(ex, false, 500, "UNKNOWN", "internal error");
      } catch (IOException | RuntimeException ignored) {
        // headers already sent or the client went away
      }
    }
  }

  private void serve(
      HttpExchange ex, boolean head, String repository, Digest digest, boolean manifest)
      throws IOException {
    String unknown = manifest ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN";
    FileChannel file;
    try {
      // Only blobs/ is read: a blob is renamed there after it was verified, never before.
      file = FileChannel.open(blobs.path(digest), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      if (!head && mirror.isPresent() && isLocalMirrorRequest(ex)) {
        forward(ex, mirror.get(), repository, digest, manifest);
        return;
      }
      if (recent(blobs.lastIngestWrite(digest))) {
        ex.getResponseHeaders().set(FETCHING_HEADER, FETCHING_THIS);
      } else if (recent(blobs.lastIngestWrite())) {
        ex.getResponseHeaders().set(FETCHING_HEADER, FETCHING_OTHER);
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
        LOG.log(System.Logger.Level.DEBUG, "429 to {0} for {1}", ex.getRemoteAddress(), digest);
        headers.remove("Content-Range");
        headers.set("Retry-After", "1");
        error(ex, false, 429, "TOOMANYREQUESTS", "this node is serving its maximum of uploads");
        return;
      }
      try {
        long length = size == 0 ? 0 : range.length();
        long started = System.nanoTime();
        ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
          copy(file, range.first(), length, ex.getResponseBody());
          if (range.first() == 0 && length == size) {
            blobsServed.increment();
          }
        }
        LOG.log(
            System.Logger.Level.DEBUG,
            "served {0} bytes of {1} from {2} to {3} in {4} ms",
            String.valueOf(length),
            digest,
            String.valueOf(range.first()),
            ex.getRemoteAddress(),
            String.valueOf((System.nanoTime() - started) / 1_000_000));
      } finally {
        uploads.release();
      }
    }
  }

  /** containerd's mirror requests carry {@code ns=<upstream registry>}; only this node's count. */
  private static boolean isLocalMirrorRequest(HttpExchange ex) {
    String query = ex.getRequestURI().getRawQuery();
    boolean mirrorQuery = query != null && ("&" + query).contains("&ns=");
    return mirrorQuery && ex.getRemoteAddress().getAddress().isLoopbackAddress();
  }

  /**
   * Answers a local containerd's request from the best peer holding the content, verifying the
   * digest as the bytes pass: a mismatch drops the peer and aborts the response, so containerd
   * never receives a complete wrong blob (it verifies too) and retries elsewhere.
   */
  private void forward(
      HttpExchange ex, PeerFetcher peers, String repository, Digest digest, boolean manifest)
      throws IOException {
    String unknown = manifest ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN";
    if (!uploads.tryAcquire()) {
      rejectedFull.increment();
      ex.getResponseHeaders().set("Retry-After", "1");
      error(ex, false, 429, "TOOMANYREQUESTS", "this node is serving its maximum of uploads");
      return;
    }
    try {
      Optional<PeerStream> found;
      try {
        found = peers.open(repository, digest, 0, 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while asking peers for " + digest, e);
      }
      if (found.isEmpty()) {
        error(ex, false, 404, unknown, "no peer holds " + digest + "; ask the registry");
        return;
      }
      try (PeerStream stream = found.get()) {
        var headers = ex.getResponseHeaders();
        headers.set("Docker-Content-Digest", digest.toString());
        MessageDigest hasher = digest.newHasher();
        if (manifest) {
          byte[] bytes = stream.body().readNBytes((4 << 20) + 1);
          if (bytes.length > 4 << 20) {
            error(ex, false, 404, unknown, "not a manifest (too large): " + digest);
            return;
          }
          if (!Digest.fromHash(digest.algorithm(), hasher.digest(bytes)).equals(digest)) {
            peers.rejectContent(digest, List.of(stream.peer()));
            error(ex, false, 502, unknown, "a peer sent a wrong manifest for " + digest);
            return;
          }
          Optional<String> type = manifestType(bytes);
          if (type.isEmpty()) {
            error(ex, false, 404, unknown, "not a manifest: " + digest);
            return;
          }
          headers.set("Content-Type", type.get());
          ex.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
          }
          bytesMirrored.add(bytes.length);
          return;
        }
        headers.set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, 0); // chunked: the length is the peer's to tell
        OutputStream out = ex.getResponseBody();
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = stream.body().read(buffer)) > 0) {
          hasher.update(buffer, 0, n);
          out.write(buffer, 0, n);
          bytesMirrored.add(n);
        }
        if (!Digest.fromHash(digest.algorithm(), hasher.digest()).equals(digest)) {
          peers.rejectContent(digest, List.of(stream.peer()));
          // Leaving without the final chunk makes the client see a broken body, never a whole one.
          throw new IOException("peer " + stream.peer() + " sent wrong bytes for " + digest);
        }
        out.close();
      }
    } finally {
      uploads.release();
    }
  }

  /** Whether a partial download written at {@code last} was written within the freshness. */
  private boolean recent(Optional<Instant> last) {
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
    file.position(0);
    return manifestType(Channels.newInputStream(file).readNBytes((int) size));
  }

  private static Optional<String> manifestType(byte[] bytes) {
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
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
    DistributionResponses.error(ex, head, status, code, message);
  }

  private static void send(HttpExchange ex, boolean head, int status, String type, String body)
      throws IOException {
    DistributionResponses.send(ex, head, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.close();
  }
}
