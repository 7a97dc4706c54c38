package io.brume.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import io.brume.store.BlobWriter;
import io.brume.store.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer server over real HTTP on loopback, reading a real content store. */
class PeerBlobServerTest {
  private static final ClusterToken TOKEN = ClusterToken.of("s3cret-cluster-token-0123456789");

  @TempDir Path root;
  private ContentStore store;
  private PeerBlobServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private byte[] layer;
  private Digest layerDigest;

  @BeforeEach
  void start() throws IOException {
    store = ContentStore.open(root);
    layer = new byte[3_000_000];
    new SplittableRandom(3).nextBytes(layer);
    layerDigest = put(layer);
    server = startServer(4);
  }

  private PeerBlobServer startServer(int maxUploads) throws IOException {
    return PeerBlobServer.start(
        new InetSocketAddress("127.0.0.1", 0), store.blobs(), TOKEN, maxUploads, Optional::empty);
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  private Digest put(byte[] bytes) throws IOException {
    Digest digest = Digest.sha256(bytes);
    try (BlobWriter writer = store.blobs().ingest(digest, bytes.length)) {
      writer.write(bytes);
      writer.commit();
    }
    return digest;
  }

  private HttpResponse<byte[]> get(String path, String... headers)
      throws IOException, InterruptedException {
    return send("GET", path, headers);
  }

  private HttpResponse<byte[]> send(String method, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String[] auth(String... more) {
    String[] all = Arrays.copyOf(more, more.length + 2);
    all[more.length] = "Authorization";
    all[more.length + 1] = TOKEN.authorizationHeader();
    return all;
  }

  @Test
  void withoutTheClusterTokenEveryRequestIs401() throws Exception {
    for (String path : new String[] {"/v2/", "/v2/app/blobs/" + layerDigest, "/v2/_brume/peers"}) {
      HttpResponse<byte[]> none = get(path);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    }
    HttpResponse<byte[]> wrong =
        get("/v2/app/blobs/" + layerDigest, "Authorization", "Bearer not-the-token-at-all-xx");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(new String(wrong.body(), StandardCharsets.UTF_8)).doesNotContain("not-the-token");
    assertThat(
            get("/v2/app/blobs/" + layerDigest, "Authorization", "Basic Zm9vOmJhcg==").statusCode())
        .isEqualTo(401);
    assertThat(server.rejectedUnauthorized()).isEqualTo(5);
    assertThat(server.bytesServed()).isZero();
  }

  @Test
  void servesAVerifiedBlobWholeAndByRange() throws Exception {
    assertThat(get("/v2/", auth()).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> whole = get("/v2/library/app/blobs/" + layerDigest, auth());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(layer);
    assertThat(whole.headers().firstValue("Docker-Content-Digest"))
        .contains(layerDigest.toString());

    HttpResponse<byte[]> tail =
        get("/v2/library/app/blobs/" + layerDigest, auth("Range", "bytes=1000000-"));
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.headers().firstValue("Content-Range"))
        .contains("bytes 1000000-2999999/3000000");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(layer, 1_000_000, 3_000_000));

    HttpResponse<byte[]> middle = get("/v2/app/blobs/" + layerDigest, auth("Range", "bytes=5-9"));
    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(layer, 5, 10));

    HttpResponse<byte[]> past =
        get("/v2/app/blobs/" + layerDigest, auth("Range", "bytes=3000000-"));
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("Content-Range")).contains("bytes */3000000");

    HttpResponse<byte[]> head = send("HEAD", "/v2/app/blobs/" + layerDigest, auth());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(3_000_000);
    assertThat(head.body()).isEmpty();
    assertThat(server.bytesServed()).isEqualTo(3_000_000L + 2_000_000L + 5);
  }

  @Test
  void unknownDigestsAndPartialDownloadsAre404() throws Exception {
    byte[] partial = new byte[500_000];
    new SplittableRandom(9).nextBytes(partial);
    Digest partialDigest = Digest.sha256(partial);
    try (BlobWriter writer = store.blobs().ingest(partialDigest, partial.length)) {
      writer.write(partial, 0, 250_000); // half a download, kept for resume, never served
    }
    assertThat(store.blobs().partialSize(partialDigest)).isEqualTo(250_000);
    for (String method : new String[] {"GET", "HEAD"}) {
      assertThat(send(method, "/v2/app/blobs/" + partialDigest, auth()).statusCode())
          .as(method)
          .isEqualTo(404);
    }
    HttpResponse<byte[]> unknown = get("/v2/app/blobs/" + Digest.sha256(new byte[] {1}), auth());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).contains("BLOB_UNKNOWN");
    assertThat(get("/v2/app/blobs/sha256:nothex", auth()).statusCode()).isEqualTo(400);
    assertThat(get("/v2/app/tags/list", auth()).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/v2/app/blobs/" + layerDigest, auth()).statusCode()).isEqualTo(405);
  }

  @Test
  void manifestsByDigestOnlyWithTheirMediaType() throws Exception {
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaType.OCI_MANIFEST
                + "\",\"config\":{},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    Digest digest = put(manifest);
    HttpResponse<byte[]> byDigest = get("/v2/app/manifests/" + digest, auth());
    assertThat(byDigest.statusCode()).isEqualTo(200);
    assertThat(byDigest.body()).isEqualTo(manifest);
    assertThat(byDigest.headers().firstValue("Content-Type")).contains(MediaType.OCI_MANIFEST);
    assertThat(get("/v2/app/manifests/latest", auth()).statusCode()).isEqualTo(404);
    // A layer is no manifest, even asked for by digest.
    assertThat(get("/v2/app/manifests/" + layerDigest, auth()).statusCode()).isEqualTo(404);
  }

  @Test
  void pastTheUploadCapAGetIs429AndServingResumesAfterwards() throws Exception {
    server.close();
    byte[] big = new byte[24_000_000];
    new SplittableRandom(5).nextBytes(big);
    Digest bigDigest = put(big);
    server = startServer(1);
    // A client that asks and does not read keeps the single upload slot busy: the server blocks
    // once the socket buffers are full.
    try (Socket hog = new Socket("127.0.0.1", server.address().getPort())) {
      hog.setReceiveBufferSize(4096);
      OutputStream out = hog.getOutputStream();
      out.write(
          ("GET /v2/app/blobs/"
                  + bigDigest
                  + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                  + TOKEN.authorizationHeader()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = hog.getInputStream();
      assertThat(in.readNBytes(12)).asString(StandardCharsets.US_ASCII).isEqualTo("HTTP/1.1 200");
      HttpResponse<byte[]> full = get("/v2/app/blobs/" + layerDigest, auth());
      assertThat(full.statusCode()).isEqualTo(429);
      assertThat(full.headers().firstValue("Retry-After")).contains("1");
      // HEAD is not an upload: a full node still says what it has.
      assertThat(send("HEAD", "/v2/app/blobs/" + layerDigest, auth()).statusCode()).isEqualTo(200);
      assertThat(server.rejectedFull()).isEqualTo(1);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get("/v2/app/blobs/" + layerDigest, auth()).statusCode() == 200);
  }

  @Test
  void theTokenNeverAppearsInItsStringForm() throws Exception {
    assertThat(TOKEN.toString()).doesNotContain("s3cret");
    Path file = root.resolve("token");
    java.nio.file.Files.writeString(file, "short\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterToken.read(file))
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("short\n");
    java.nio.file.Files.writeString(file, "abcdefghijklmnopqrstuvwxyz012345\n");
    assertThat(ClusterToken.read(file).accepts("Bearer abcdefghijklmnopqrstuvwxyz012345")).isTrue();
  }
}
