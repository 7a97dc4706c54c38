package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Descriptor;
import io.brume.oci.ImageReference;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import io.brume.testing.TokenServer;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Bearer token auth against the real registry configured with {@code auth: token}. */
class TokenAuthIT {

  private static final TestImage IMAGE =
      TestImage.builder()
          .layer(TestLayer.builder().file("a", "1"), Compression.GZIP)
          .layer(TestLayer.builder().file("b", "2"), Compression.ZSTD)
          .build();

  @Test
  void anonymousTokenFlowPullsAndCachesTheTokenPerScope() throws Exception {
    try (TokenServer tokens = TokenServer.start();
        LocalRegistry registry = LocalRegistry.withTokenAuth(tokens).startProcess();
        ImagePusher pusher = ImagePusher.withTokens(registry, tokens);
        RegistryClient client =
            RegistryClient.builder(registry.hostPort()).plainHttp(true).build()) {
      pusher.push("secure/app", "v1", IMAGE);
      pusher.push("secure/other", "v1", IMAGE);
      int before = tokens.requestedScopes().size();

      ResolvedImage image =
          client.resolve(
              ImageReference.parse(registry.hostPort() + "/secure/app:v1"), Platform.host());
      client.fetchConfig(image);
      for (Descriptor layer : image.parsed().layers()) {
        try (BlobResponse blob = client.openBlob("secure/app", layer.digest(), 0);
            InputStream in = new VerifyingInputStream(blob.body(), layer.digest(), layer.size())) {
          in.readAllBytes();
        }
      }
      client.fetchManifest("secure/other", "v1");

      assertThat(tokens.requestedScopes().subList(before, tokens.requestedScopes().size()))
          .containsExactly("repository:secure/app:pull", "repository:secure/other:pull");
    }
  }

  @Test
  void credentialsAreRequiredWhenTheTokenServerSaysSo() throws Exception {
    try (TokenServer tokens = TokenServer.start().requireCredentials("edge", "s3cret");
        LocalRegistry registry = LocalRegistry.withTokenAuth(tokens).startProcess();
        ImagePusher pusher = ImagePusher.withTokens(registry, tokens)) {
      pusher.push("private/app", "v1", IMAGE);
      ImageReference ref = ImageReference.parse(registry.hostPort() + "/private/app:v1");

      try (RegistryClient anonymous =
          RegistryClient.builder(registry.hostPort()).plainHttp(true).build()) {
        assertThatThrownBy(() -> anonymous.resolve(ref, Platform.host()))
            .isInstanceOf(RegistryException.class)
            .hasMessageContaining("private/app:v1")
            .hasMessageContaining("401")
            .hasMessageContaining("no credentials");
      }
      try (RegistryClient wrong =
          RegistryClient.builder(registry.hostPort())
              .plainHttp(true)
              .credentials(new Credentials("edge", "guess"))
              .build()) {
        assertThatThrownBy(() -> wrong.resolve(ref, Platform.host()))
            .isInstanceOf(RegistryException.class)
            .hasMessageContaining("credentials rejected")
            .hasMessageNotContaining("guess");
      }
      try (RegistryClient authorised =
          RegistryClient.builder(registry.hostPort())
              .plainHttp(true)
              .credentials(new Credentials("edge", "s3cret"))
              .build()) {
        assertThat(authorised.resolve(ref, Platform.host()).manifest().digest())
            .isEqualTo(IMAGE.manifestDigest());
      }
    }
  }
}
