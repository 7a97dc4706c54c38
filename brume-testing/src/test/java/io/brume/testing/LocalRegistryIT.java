package io.brume.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.MediaType;
import io.brume.oci.MediaType.Compression;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalRegistryIT {

  @Test
  void servesPushedImagesAndCleansUp() throws Exception {
    Path storage;
    try (LocalRegistry registry = LocalRegistry.start();
        ImagePusher pusher = ImagePusher.anonymous(registry);
        HttpClient http = HttpClient.newHttpClient()) {
      TestImage image =
          TestImage.builder()
              .layer(TestLayer.builder().file("hello.txt", "hello"), Compression.GZIP)
              .build();
      pusher.push("fixture/hello", "v1", image);

      HttpResponse<byte[]> manifest =
          http.send(
              HttpRequest.newBuilder(registry.url().resolve("/v2/fixture/hello/manifests/v1"))
                  .header("Accept", MediaType.OCI_MANIFEST)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(manifest.statusCode()).isEqualTo(200);
      assertThat(manifest.body()).isEqualTo(image.manifestBytes());
      assertThat(manifest.headers().firstValue("Docker-Content-Digest"))
          .contains(image.manifestDigest().toString());

      HttpResponse<byte[]> layer =
          http.send(
              HttpRequest.newBuilder(
                      registry
                          .url()
                          .resolve("/v2/fixture/hello/blobs/" + image.layers().get(0).digest()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(layer.body()).isEqualTo(image.layers().get(0).blob());
      storage = registryDirectory(registry);
      assertThat(storage).isDirectory();
    }
    assertThat(storage).doesNotExist();
  }

  private static Path registryDirectory(LocalRegistry registry) throws Exception {
    // The storage directory is the parent of the config the process was started with.
    long pid = -1;
    for (ProcessHandle child : ProcessHandle.current().children().toList()) {
      if (child.info().command().orElse("").endsWith("docker-registry")) {
        pid = child.pid();
      }
    }
    assertThat(pid).as("docker-registry child process").isPositive();
    String config = Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0")[2];
    return Path.of(config).getParent();
  }
}
