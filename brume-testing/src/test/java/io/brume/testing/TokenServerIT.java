package io.brume.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.MediaType.Compression;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class TokenServerIT {

  @Test
  void realRegistryAcceptsItsTokensAndRejectsRequestsWithout() throws Exception {
    try (TokenServer tokens = TokenServer.start();
        LocalRegistry registry = LocalRegistry.withTokenAuth(tokens).startProcess();
        ImagePusher pusher = ImagePusher.withTokens(registry, tokens);
        HttpClient http = HttpClient.newHttpClient()) {
      TestImage image =
          TestImage.builder().layer(TestLayer.builder().file("f", "x"), Compression.NONE).build();
      pusher.push("secure/app", "v1", image);
      String path = "/v2/secure/app/manifests/v1";

      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(registry.url().resolve(path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("Bearer realm=\"" + tokens.realm() + "\"")
          .contains("service=\"" + tokens.service() + "\"");

      HttpResponse<String> authorised =
          http.send(
              HttpRequest.newBuilder(registry.url().resolve(path))
                  .header("Authorization", "Bearer " + tokens.issue("secure/app", "pull"))
                  .header("Accept", image.manifest().mediaType())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(authorised.statusCode()).isEqualTo(200);

      HttpResponse<String> otherRepository =
          http.send(
              HttpRequest.newBuilder(registry.url().resolve(path))
                  .header("Authorization", "Bearer " + tokens.issue("secure/other", "pull"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(otherRepository.statusCode()).isEqualTo(401);
    }
  }
}
