package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.ImageReference;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS is verified by default; {@code insecure} skips verification; plain HTTP is refused. */
class TlsIT {

  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.withTls();

  static TestImage image;

  @BeforeAll
  static void push() {
    image =
        TestImage.builder().layer(TestLayer.builder().file("f", "tls"), Compression.GZIP).build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("tls/app", "v1", image);
    }
  }

  @Test
  void untrustedCertificateFailsOnceWithAHint() {
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    try (RegistryClient client =
        RegistryClient.builder(REGISTRY.hostPort()).sleeper(sleeps::add).build()) {
      assertThat(client.isInsecure()).isFalse();
      assertThatThrownBy(() -> client.fetchManifest("tls/app", "v1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("fetch manifest " + REGISTRY.hostPort() + "/tls/app:v1")
          .hasMessageContaining("--insecure");
    }
    assertThat(sleeps).as("certificate errors are not retried").isEmpty();
  }

  @Test
  void insecureSkipsVerification() throws Exception {
    try (RegistryClient client =
        RegistryClient.builder(REGISTRY.hostPort()).insecure(true).build()) {
      assertThat(client.isInsecure()).isTrue();
      ResolvedImage resolved =
          client.resolve(
              ImageReference.parse(REGISTRY.hostPort() + "/tls/app:v1"),
              Platform.parse("linux/amd64"));
      assertThat(resolved.manifest().digest()).isEqualTo(image.manifestDigest());
      assertThat(client.fetchConfig(resolved)).isEqualTo(image.config());
    }
  }

  @Test
  void plainHttpAgainstATlsRegistryFails() {
    try (RegistryClient client =
        RegistryClient.builder(REGISTRY.hostPort())
            .plainHttp(true)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      assertThatThrownBy(client::ping).isInstanceOf(RegistryException.class);
    }
  }
}
