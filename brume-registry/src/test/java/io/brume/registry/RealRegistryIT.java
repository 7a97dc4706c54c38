package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Descriptor;
import io.brume.oci.Digest;
import io.brume.oci.ImageConfig;
import io.brume.oci.ImageReference;
import io.brume.oci.MediaType;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.testing.ImagePusher;
import io.brume.testing.LayerBlob;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestIndex;
import io.brume.testing.TestLayer;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry client against Debian's real docker-registry, with images pushed by the test. */
class RealRegistryIT {

  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  static TestImage ociImage;
  static TestImage dockerImage;
  static TestIndex index;
  static Digest ociDigest;
  static RegistryClient client;

  @BeforeAll
  static void pushImages() {
    byte[] noise = new byte[300_000];
    new SplittableRandom(7).nextBytes(noise);
    ociImage =
        TestImage.builder()
            .layer(
                TestLayer.builder()
                    .directory("etc", 0755)
                    .file("etc/hostname", "edge-node\n")
                    .file("data/noise.bin", noise, 0600)
                    .symlink("etc/alias", "hostname")
                    .hardLink("etc/hard", "etc/hostname"),
                Compression.GZIP)
            .layer(
                TestLayer.builder().whiteout("etc/alias").opaqueWhiteout("data"), Compression.ZSTD)
            .layer(TestLayer.builder().file("bin/app", "#!/bin/sh\n"), Compression.NONE)
            .env("PATH=/bin")
            .entrypoint("/bin/app")
            .cmd("--serve")
            .workingDir("/srv")
            .user("1000:1000")
            .exposedPort("8080/tcp")
            .label("org.example", "yes")
            .build();
    dockerImage =
        TestImage.builder()
            .dockerFormat()
            .layer(TestLayer.builder().file("docker.txt", "schema 2"), Compression.GZIP)
            .build();
    index =
        TestIndex.of(
            true,
            List.of(
                platformImage("linux/amd64"),
                platformImage("linux/arm/v7"),
                platformImage("linux/arm64/v8")));
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      ociDigest = pusher.push("edge/app", "v1", ociImage);
      pusher.push("edge/docker", "latest", dockerImage);
      pusher.push("edge/multi", "v2", index);
    }
    client = RegistryClient.builder(REGISTRY.hostPort()).plainHttp(true).build();
  }

  private static TestImage platformImage(String platform) {
    return TestImage.builder()
        .platform(Platform.parse(platform))
        .dockerFormat()
        .layer(TestLayer.builder().file("arch", platform), Compression.GZIP)
        .build();
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  private static ImageReference ref(String path) {
    return ImageReference.parse(REGISTRY.hostPort() + "/" + path);
  }

  private static byte[] readVerified(String repository, Descriptor layer) throws Exception {
    try (BlobResponse blob = client.openBlob(repository, layer.digest(), 0);
        InputStream in = new VerifyingInputStream(blob.body(), layer.digest(), layer.size())) {
      assertThat(blob.totalSize()).hasValue(layer.size());
      return in.readAllBytes();
    }
  }

  @Test
  void pingsTheRegistry() throws Exception {
    client.ping();
  }

  @Test
  void pullsAnOciImageByTag() throws Exception {
    ResolvedImage image = client.resolve(ref("edge/app:v1"), Platform.parse("linux/amd64"));
    assertThat(image.manifest().digest()).isEqualTo(ociDigest);
    assertThat(image.manifest().mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(image.manifest().bytes()).isEqualTo(ociImage.manifestBytes());
    assertThat(image.index()).isEmpty();

    ImageConfig config = client.fetchConfig(image);
    assertThat(config).isEqualTo(ociImage.config());
    assertThat(config.runtime().entrypoint()).containsExactly("/bin/app");

    List<Descriptor> layers = image.parsed().layers();
    assertThat(layers).hasSize(3);
    for (int i = 0; i < layers.size(); i++) {
      assertThat(MediaType.layerCompression(layers.get(i).mediaType()))
          .isEqualTo(ociImage.layers().get(i).compression());
      assertThat(readVerified("edge/app", layers.get(i)))
          .isEqualTo(ociImage.layers().get(i).blob());
    }
  }

  @Test
  void pullsByDigest() throws Exception {
    ResolvedImage image =
        client.resolve(ref("edge/app@" + ociDigest), Platform.parse("linux/amd64"));
    assertThat(image.manifest().digest()).isEqualTo(ociDigest);
    assertThat(image.reference().tag()).isEmpty();
  }

  @Test
  void pullsDockerSchema2() throws Exception {
    ResolvedImage image = client.resolve(ref("edge/docker"), Platform.parse("linux/amd64"));
    assertThat(image.manifest().mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
    Descriptor layer = image.parsed().layers().get(0);
    assertThat(layer.mediaType()).isEqualTo(MediaType.DOCKER_LAYER_GZIP);
    assertThat(readVerified("edge/docker", layer)).isEqualTo(dockerImage.layers().get(0).blob());
  }

  @Test
  void selectsThePlatformFromAManifestList() throws Exception {
    for (TestImage expected : index.images()) {
      Platform platform = expected.config().platform();
      ResolvedImage image = client.resolve(ref("edge/multi:v2"), platform);
      assertThat(image.manifest().digest())
          .as(platform.toString())
          .isEqualTo(expected.manifestDigest());
      assertThat(image.index().orElseThrow().digest()).isEqualTo(index.digest());
      assertThat(image.index().orElseThrow().mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST_LIST);
    }
    ResolvedImage arm64 = client.resolve(ref("edge/multi:v2"), Platform.parse("linux/arm64"));
    assertThat(arm64.manifest().digest()).isEqualTo(index.images().get(2).manifestDigest());
  }

  @Test
  void missingPlatformListsTheAvailableOnes() {
    assertThatThrownBy(() -> client.resolve(ref("edge/multi:v2"), Platform.parse("linux/riscv64")))
        .isInstanceOf(PlatformNotFoundException.class)
        .hasMessageContaining("linux/riscv64")
        .hasMessageContaining("linux/amd64, linux/arm/v7, linux/arm64/v8");
  }

  @Test
  void missingTagFailsNamingTheReference() {
    assertThatThrownBy(() -> client.resolve(ref("edge/app:nope"), Platform.host()))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining(REGISTRY.hostPort() + "/edge/app:nope")
        .hasMessageContaining("404")
        .hasMessageContaining("MANIFEST_UNKNOWN");
  }

  @Test
  void rangeRequestStartsAtTheOffset() throws Exception {
    LayerBlob layer = ociImage.layers().get(0);
    try (BlobResponse blob = client.openBlob("edge/app", layer.digest(), 1000)) {
      assertThat(blob.rangeHonoured()).isTrue();
      assertThat(blob.startOffset()).isEqualTo(1000);
      assertThat(blob.totalSize()).hasValue(layer.blob().length);
      assertThat(blob.body().readAllBytes())
          .isEqualTo(Arrays.copyOfRange(layer.blob(), 1000, layer.blob().length));
    }
  }

  @Test
  void rangeFromTheEndIsAnEmptyCompleteBody() throws Exception {
    LayerBlob layer = ociImage.layers().get(2);
    try (BlobResponse blob = client.openBlob("edge/app", layer.digest(), layer.blob().length)) {
      assertThat(blob.rangeHonoured()).isTrue();
      assertThat(blob.body().readAllBytes()).isEmpty();
    }
  }

  @Test
  void rateLimitSlowsTheBlobStream() throws Exception {
    AtomicLong fakeNanos = new AtomicLong();
    long rate = 64 * 1024;
    TokenBucket bucket =
        new TokenBucket(rate, fakeNanos::get, d -> fakeNanos.addAndGet(d.toNanos()));
    LayerBlob layer = ociImage.layers().get(0);
    try (RegistryClient limited =
            RegistryClient.builder(REGISTRY.hostPort()).plainHttp(true).rateLimit(bucket).build();
        BlobResponse blob = limited.openBlob("edge/app", layer.digest(), 0)) {
      assertThat(blob.body().readAllBytes()).isEqualTo(layer.blob());
    }
    Duration expected = Duration.ofNanos(layer.blob().length * 1_000_000_000L / rate);
    assertThat(Duration.ofNanos(fakeNanos.get()))
        .isBetween(expected.minusMillis(300), expected.plusMillis(300));
  }
}
