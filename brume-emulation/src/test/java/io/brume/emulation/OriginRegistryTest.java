package io.brume.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.ImageReference;
import io.brume.oci.Platform;
import io.brume.pull.ImagePuller;
import io.brume.pull.PullStrategy;
import io.brume.registry.RegistryClient;
import io.brume.store.ContentStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process origin registry, read by brume's own registry client and puller. */
class OriginRegistryTest {
  private static final Platform PLATFORM = Platform.of("linux", "amd64");
  private static final DemoImage IMAGE =
      DemoImage.build(3, 300_000, 100_000, Optional.empty(), PLATFORM);
  private static OriginRegistry origin;
  private static HttpClient http;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    origin = OriginRegistry.start(IMAGE);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    http.close();
    origin.close();
  }

  private static String registry() {
    return "127.0.0.1:" + origin.address().getPort();
  }

  @Test
  void imagePullerPullsAndVerifiesTheDemoImage() throws Exception {
    try (ContentStore store = ContentStore.open(dir.resolve("node"));
        RegistryClient client = RegistryClient.builder(registry()).plainHttp(true).build()) {
      ImageReference reference =
          ImageReference.parse(registry() + "/" + DemoImage.REPOSITORY + ":" + DemoImage.TAG);

      ImagePuller.Result result =
          ImagePuller.builder(store, client)
              .strategy(PullStrategy.DOCKER)
              .build()
              .pull(reference, PLATFORM);

      assertThat(result.manifestDigest()).isEqualTo(IMAGE.manifestDigest());
      assertThat(result.layersPulled()).isEqualTo(2);
      for (Descriptor layer : IMAGE.manifest().layers()) {
        assertThat(Digest.sha256(Files.readAllBytes(store.blobs().path(layer.digest()))))
            .isEqualTo(layer.digest());
      }
      Path app = store.snapshots().find(result.image().diffIds().get(1)).orElseThrow().diff();
      assertThat(Files.readString(app.resolve("www/index.html"))).contains("brume demo");
    }
  }

  @Test
  void theImageIsTheSameForTheSameSeed() {
    DemoImage again = DemoImage.build(3, 300_000, 100_000, Optional.empty(), PLATFORM);
    assertThat(again.manifestDigest()).isEqualTo(IMAGE.manifestDigest());
    assertThat(DemoImage.build(4, 300_000, 100_000, Optional.empty(), PLATFORM).manifestDigest())
        .isNotEqualTo(IMAGE.manifestDigest());
    assertThat(IMAGE.manifest().layers()).hasSize(2);
    assertThat(IMAGE.layerBytes()).isGreaterThan(400_000);
  }

  @Test
  void manifestsByTagAndDigestCarryTheirMediaType() throws Exception {
    for (String reference : new String[] {DemoImage.TAG, IMAGE.manifestDigest().toString()}) {
      HttpResponse<byte[]> response = get("/v2/brume/demo/manifests/" + reference, null);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/vnd.oci.image.manifest.v1+json");
      assertThat(response.headers().firstValue("Docker-Content-Digest"))
          .hasValue(IMAGE.manifestDigest().toString());
      assertThat(response.body()).isEqualTo(IMAGE.manifestBytes());
    }
  }

  @Test
  void blobsAnswerRangesAndHead() throws Exception {
    Descriptor layer = IMAGE.manifest().layers().get(0);
    byte[] blob = IMAGE.blobs().get(layer.digest());
    String path = "/v2/brume/demo/blobs/" + layer.digest();

    HttpResponse<byte[]> part = get(path, "bytes=10-19");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + blob.length);
    assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(blob, 10, 20));

    HttpResponse<byte[]> tail = get(path, "bytes=" + (blob.length - 5) + "-");
    assertThat(tail.body())
        .isEqualTo(java.util.Arrays.copyOfRange(blob, blob.length - 5, blob.length));

    assertThat(get(path, "bytes=" + blob.length + "-").statusCode()).isEqualTo(416);

    HttpResponse<Void> head =
        http.send(
            HttpRequest.newBuilder(uri(path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(blob.length);
  }

  @Test
  void badPathsGetCleanErrors() throws Exception {
    assertThat(get("/v2/", null).statusCode()).isEqualTo(200);
    assertError(get("/v2/other/repo/manifests/v1", null), 404, "NAME_UNKNOWN");
    assertError(get("/v2/brume/demo/manifests/v2", null), 404, "MANIFEST_UNKNOWN");
    assertError(get("/v2/brume/demo/blobs/sha256:" + "0".repeat(64), null), 404, "BLOB_UNKNOWN");
    assertError(get("/v2/brume/demo/blobs/not-a-digest", null), 400, "DIGEST_INVALID");
    assertError(get("/index.html", null), 404, "NOT_FOUND");
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(uri("/v2/brume/demo/manifests/v1"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);
    // The server keeps serving good clients.
    assertThat(get("/v2/brume/demo/manifests/v1", null).statusCode()).isEqualTo(200);
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"code\":\"" + code + "\"");
  }

  private static URI uri(String path) {
    return URI.create("http://" + registry() + path);
  }

  private static HttpResponse<byte[]> get(String path, String range) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (range != null) {
      request.header("Range", range);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
