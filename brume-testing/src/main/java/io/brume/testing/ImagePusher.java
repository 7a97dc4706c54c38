package io.brume.testing;

import io.brume.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pushes generated content through the registry API: blobs by a monolithic upload ({@code POST
 * /v2/<name>/blobs/uploads/} then {@code PUT <location>?digest=…}), manifests and indexes by {@code
 * PUT /v2/<name>/manifests/<reference>}.
 */
public final class ImagePusher implements AutoCloseable {

  private final URI base;
  private final Function<String, Optional<String>> authorization;
  private final HttpClient http;

  /**
   * @param base the registry's base URL, e.g. {@link LocalRegistry#url()}
   * @param authorization the Authorization header to send for a repository, if any
   */
  public ImagePusher(URI base, Function<String, Optional<String>> authorization) {
    this(base, authorization, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
  }

  private ImagePusher(
      URI base, Function<String, Optional<String>> authorization, HttpClient.Builder http) {
    this.base = base;
    this.authorization = authorization;
    this.http = http.build();
  }

  /** A pusher for an anonymous registry (trusting its certificate if it serves TLS). */
  public static ImagePusher anonymous(LocalRegistry registry) {
    return new ImagePusher(
        registry.url(), repository -> Optional.empty(), registry.fixtureClient());
  }

  /** A pusher that gets push tokens from {@code tokens}. */
  public static ImagePusher withTokens(LocalRegistry registry, TokenServer tokens) {
    return new ImagePusher(
        registry.url(),
        repository -> Optional.of("Bearer " + tokens.issue(repository, "pull", "push")),
        registry.fixtureClient());
  }

  /** Pushes all blobs and the manifest of {@code image}, tagged {@code tag}. */
  public Digest push(String repository, String tag, TestImage image) {
    pushImageContent(repository, image);
    return pushManifest(repository, tag, image.manifest().mediaType(), image.manifestBytes());
  }

  /** Pushes every image of {@code index} by digest, then the index tagged {@code tag}. */
  public Digest push(String repository, String tag, TestIndex index) {
    for (TestImage image : index.images()) {
      pushImageContent(repository, image);
      pushManifest(
          repository,
          image.manifestDigest().toString(),
          image.manifest().mediaType(),
          image.manifestBytes());
    }
    return pushManifest(repository, tag, index.index().mediaType(), index.indexBytes());
  }

  private void pushImageContent(String repository, TestImage image) {
    for (LayerBlob layer : image.layers()) {
      pushBlob(repository, layer.blob());
    }
    pushBlob(repository, image.configBytes());
  }

  /** Uploads {@code content} as a blob and returns its digest. */
  public Digest pushBlob(String repository, byte[] content) {
    Digest digest = Digest.sha256(content);
    HttpResponse<String> started =
        send(
            request(repository, base.resolve("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            202,
            "start upload of " + digest + " to " + repository);
    String location =
        started
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () -> new IllegalStateException("upload to " + repository + ": no Location"));
    URI upload = base.resolve(location);
    URI put = URI.create(upload + (upload.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
    send(
        request(repository, put)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content)),
        201,
        "upload blob " + digest + " to " + repository);
    return digest;
  }

  /** Puts a manifest or index under {@code reference} (tag or digest); returns its digest. */
  public Digest pushManifest(String repository, String reference, String mediaType, byte[] json) {
    send(
        request(repository, base.resolve("/v2/" + repository + "/manifests/" + reference))
            .header("Content-Type", mediaType)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(json)),
        201,
        "put manifest " + repository + ":" + reference);
    return Digest.sha256(json);
  }

  private HttpRequest.Builder request(String repository, URI uri) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    authorization.apply(repository).ifPresent(a -> builder.header("Authorization", a));
    return builder;
  }

  private HttpResponse<String> send(HttpRequest.Builder request, int expected, String action) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException(
            action + ": HTTP " + response.statusCode() + " " + response.body());
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(action, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(action + ": interrupted", e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
