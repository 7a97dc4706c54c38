package io.brume.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brume.oci.Digest;
import io.brume.oci.MediaType;
import io.brume.oci.UnsupportedMediaTypeException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/manifests/<reference>}: fetches a manifest or index by tag or digest,
 * accepting every type brume understands, and verifies its digest.
 */
final class ManifestFetcher {

  /** Registries must accept manifests of at least 4 MiB; anything larger is refused. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  static final String ACCEPT =
      String.join(
          ", ",
          MediaType.OCI_INDEX,
          MediaType.DOCKER_MANIFEST_LIST,
          MediaType.OCI_MANIFEST,
          MediaType.DOCKER_MANIFEST);

  private final RegistryTransport transport;

  ManifestFetcher(RegistryTransport transport) {
    this.transport = transport;
  }

  FetchedManifest fetch(String repository, String reference)
      throws IOException, InterruptedException {
    String name =
        transport.registry() + "/" + repository + (reference.contains(":") ? "@" : ":") + reference;
    String action = "fetch manifest " + name;
    // The body is read inside the retried attempt, so a connection cut mid-manifest is retried;
    // the limit keeps a hostile registry from filling memory.
    HttpResponse<byte[]> response =
        transport.get(
            "/v2/" + repository + "/manifests/" + reference,
            Scopes.pull(repository),
            Map.of("Accept", ACCEPT),
            action,
            HttpResponse.BodyHandlers.limiting(
                HttpResponse.BodyHandlers.ofByteArray(), MAX_MANIFEST_BYTES));
    if (response.statusCode() != 200) {
      throw transport.failure(action, response);
    }
    byte[] bytes = response.body();
    Digest digest = verifiedDigest(action, reference, response, bytes);
    String mediaType = mediaType(response, bytes);
    return new FetchedManifest(bytes, digest, mediaType);
  }

  private static Digest verifiedDigest(
      String action, String reference, HttpResponse<?> response, byte[] bytes) throws IOException {
    Optional<Digest> expected;
    if (reference.contains(":")) {
      expected = Optional.of(Digest.parse(reference));
    } else {
      Optional<String> header = response.headers().firstValue("Docker-Content-Digest");
      try {
        expected = header.map(String::strip).map(Digest::parse);
      } catch (IllegalArgumentException e) {
        throw new RegistryException(
            action + ": registry sent an invalid Docker-Content-Digest: " + e.getMessage(), e);
      }
    }
    String algorithm = expected.map(Digest::algorithm).orElse(Digest.SHA256);
    Digest actual = Digest.of(algorithm, bytes);
    if (expected.isPresent() && !expected.get().equals(actual)) {
      throw new DigestMismatchException(
          expected.get(),
          action + ": digest mismatch: expected " + expected.get() + ", got " + actual);
    }
    return actual;
  }

  /**
   * The document's media type: Content-Type when it is a manifest type, else the JSON's own {@code
   * mediaType}, else inferred from its shape (OCI allows omitting it).
   */
  private static String mediaType(HttpResponse<?> response, byte[] bytes) {
    String contentType =
        MediaType.essence(response.headers().firstValue("Content-Type").orElse(""));
    if (MediaType.MANIFEST_TYPES.contains(contentType)) {
      return contentType;
    }
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(bytes);
    } catch (IOException e) {
      throw new UnsupportedMediaTypeException(contentType, "manifest");
    }
    String declared = json.path("mediaType").asText("");
    if (!declared.isEmpty()) {
      if (!MediaType.MANIFEST_TYPES.contains(MediaType.essence(declared))) {
        throw new UnsupportedMediaTypeException(declared, "manifest");
      }
      return MediaType.essence(declared);
    }
    if (json.has("manifests")) {
      return MediaType.OCI_INDEX;
    }
    if (json.has("config") && json.has("layers")) {
      return MediaType.OCI_MANIFEST;
    }
    throw new UnsupportedMediaTypeException(
        contentType.isEmpty() ? "(none)" : contentType, "manifest");
  }
}
