package io.brume.emulation;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.brume.http.EmbeddedHttpServer;
import io.brume.oci.Digest;
import io.brume.peer.ByteRange;
import io.brume.peer.DistributionResponses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The origin registry of {@code brume up}: a read-only OCI distribution API server in this process,
 * serving one {@link DemoImage} from memory, so a fresh clone's {@code ./brume up} needs no
 * registry installed. It answers what a pull asks: {@code GET /v2/}, {@code HEAD}/{@code GET}
 * manifests by tag or digest (with the manifest's media type and {@code Docker-Content-Digest}),
 * {@code HEAD}/{@code GET} blobs with {@code Range} (206, 416 past the end). Anything else is a 404
 * with the API's JSON error body, or 405 for a write; no authentication, since it only serves
 * generated public content on loopback.
 */
final class OriginRegistry implements AutoCloseable {
  private static final Pattern CONTENT = Pattern.compile("/v2/(.+)/(manifests|blobs)/([^/]+)");

  private final DemoImage image;
  private final EmbeddedHttpServer server;
  private final LongAdder bytesServed = new LongAdder();

  private OriginRegistry(DemoImage image) {
    this.image = image;
    try {
      this.server =
          EmbeddedHttpServer.builder(
                  "brume-origin-registry",
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .route("/", this::handle)
              // Blobs cross a thin emulated uplink: a body may take long, the relays bound it.
              .noRequestTimeout()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the origin registry", e);
    }
  }

  /** Starts serving {@code image} on a free loopback port. */
  static OriginRegistry start(DemoImage image) {
    return new OriginRegistry(image);
  }

  /** The bound loopback address. */
  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.address().getPort());
  }

  /** Body bytes of blobs and manifests sent so far (the origin's egress). */
  long bytesServed() {
    return bytesServed.sum();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        error(ex, false, 405, "UNSUPPORTED", "the origin registry is read-only");
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path.equals("/v2/") || path.equals("/v2")) {
        DistributionResponses.apiVersion(ex, head);
        return;
      }
      Matcher m = CONTENT.matcher(path);
      if (!m.matches()) {
        error(ex, head, 404, "NOT_FOUND", "no such endpoint");
        return;
      }
      boolean manifest = m.group(2).equals("manifests");
      if (!m.group(1).equals(DemoImage.REPOSITORY)) {
        error(ex, head, 404, "NAME_UNKNOWN", "repository name not known to registry");
        return;
      }
      if (manifest) {
        serveManifest(ex, head, m.group(3));
      } else {
        serveBlob(ex, head, m.group(3));
      }
    }
  }

  private void serveManifest(HttpExchange ex, boolean head, String reference) throws IOException {
    boolean known =
        reference.equals(DemoImage.TAG) || reference.equals(image.manifestDigest().toString());
    if (!known) {
      error(ex, head, 404, "MANIFEST_UNKNOWN", "manifest unknown");
      return;
    }
    ex.getResponseHeaders().set("Docker-Content-Digest", image.manifestDigest().toString());
    send(ex, head, 200, image.manifest().mediaType(), image.manifestBytes());
  }

  private void serveBlob(HttpExchange ex, boolean head, String digestText) throws IOException {
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (IllegalArgumentException e) {
      error(ex, head, 400, "DIGEST_INVALID", "invalid digest");
      return;
    }
    byte[] blob = image.blobs().get(digest);
    if (blob == null) {
      error(ex, head, 404, "BLOB_UNKNOWN", "blob unknown to registry");
      return;
    }
    Headers headers = ex.getResponseHeaders();
    headers.set("Docker-Content-Digest", digest.toString());
    headers.set("Accept-Ranges", "bytes");
    ByteRange.Request wanted =
        ByteRange.parse(Optional.ofNullable(ex.getRequestHeaders().getFirst("Range")), blob.length);
    if (wanted instanceof ByteRange.Unsatisfiable) {
      headers.set("Content-Range", "bytes */" + blob.length);
      error(ex, head, 416, "RANGE_INVALID", "range not satisfiable");
      return;
    }
    if (!(wanted instanceof ByteRange.Partial partial)) {
      send(ex, head, 200, "application/octet-stream", blob);
      return;
    }
    ByteRange range = partial.range();
    headers.set("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + blob.length);
    byte[] part = new byte[(int) range.length()];
    System.arraycopy(blob, (int) range.first(), part, 0, part.length);
    send(ex, head, 206, "application/octet-stream", part);
  }

  private static void error(HttpExchange ex, boolean head, int status, String code, String message)
      throws IOException {
    DistributionResponses.error(ex, head, status, code, message);
  }

  /** Sends content; for a HEAD its length too, as a registry does. */
  private void send(HttpExchange ex, boolean head, int status, String type, byte[] body)
      throws IOException {
    if (head) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
    }
    DistributionResponses.send(ex, head, status, type, body);
    if (!head) {
      bytesServed.add(body.length);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
