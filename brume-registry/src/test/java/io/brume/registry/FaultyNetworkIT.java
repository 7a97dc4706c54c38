package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Digest;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.testing.FaultyRelay;
import io.brume.testing.ImagePusher;
import io.brume.testing.LayerBlob;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cut connections and corrupted bytes between the client and a real registry. */
class FaultyNetworkIT {

  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  static TestImage image;
  static LayerBlob big;

  private FaultyRelay relay;
  private RegistryClient client;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void push() {
    byte[] noise = new byte[400_000];
    new SplittableRandom(3).nextBytes(noise);
    big = TestLayer.builder().file("noise", noise, 0644).build(Compression.GZIP);
    image = TestImage.builder().layer(big).build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("faulty/app", "v1", image);
    }
  }

  @BeforeEach
  void startRelay() throws IOException {
    relay = FaultyRelay.in(REGISTRY);
    client =
        RegistryClient.builder(relay.hostPort())
            .plainHttp(true)
            .retryPolicy(RetryPolicy.defaults())
            .sleeper(sleeps::add)
            .build();
  }

  @AfterEach
  void stopRelay() throws IOException {
    client.close();
    relay.close();
  }

  @Test
  void resumesABlobWithRangeAfterTheConnectionIsCut() throws Exception {
    Digest digest = big.digest();
    relay.cutResponseAfter("/blobs/" + digest, 150_000);
    MessageDigest hasher = digest.newHasher();
    byte[] received = new byte[big.blob().length];
    int have = 0;
    try (BlobResponse first = client.openBlob("faulty/app", digest, 0)) {
      InputStream in = first.body();
      int n;
      while ((n = in.read(received, have, received.length - have)) > 0) {
        hasher.update(received, have, n);
        have += n;
      }
      throw new AssertionError("the relay should have cut the download, got " + have);
    } catch (IOException cut) {
      // Never past the cut; possibly short of it: once the JDK's body stream learns of the error it
      // drops the buffers it had queued but not yet handed out (a slow reader on a loaded machine
      // got 147,057 of 150,000 in CI). The resume below starts from whatever arrived.
      assertThat(have).isBetween(1, 150_000);
    }
    try (BlobResponse rest = client.openBlob("faulty/app", digest, have);
        InputStream in =
            new VerifyingInputStream(rest.body(), digest, big.blob().length, hasher, have)) {
      assertThat(rest.rangeHonoured()).isTrue();
      assertThat(rest.startOffset()).isEqualTo(have);
      in.readNBytes(received, have, received.length - have);
      assertThat(in.read()).isEqualTo(-1); // triggers verification
    }
    assertThat(received).isEqualTo(big.blob());
    assertThat(relay.faultsApplied()).isEqualTo(1);
  }

  @Test
  void corruptedBlobByteIsDetected() throws Exception {
    relay.corruptResponseByte("/blobs/" + big.digest(), 12_345);
    try (BlobResponse blob = client.openBlob("faulty/app", big.digest(), 0);
        InputStream in = new VerifyingInputStream(blob.body(), big.digest(), big.blob().length)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining("expected " + big.digest());
    }
  }

  @Test
  void configFetchRejectsCorruption() {
    relay.corruptResponseByte("/blobs/" + image.configDescriptor().digest(), 3);
    assertThatThrownBy(() -> client.fetchBlobBytes("faulty/app", image.configDescriptor()))
        .isInstanceOf(DigestMismatchException.class);
  }

  @Test
  void manifestCutMidBodyIsRetried() throws Exception {
    relay.cutResponseAfter("/manifests/v1", 10);
    ResolvedImage resolved =
        client.resolve(
            io.brume.oci.ImageReference.parse(relay.hostPort() + "/faulty/app:v1"),
            Platform.parse("linux/amd64"));
    assertThat(resolved.manifest().digest()).isEqualTo(image.manifestDigest());
    assertThat(relay.faultsApplied()).isEqualTo(1);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void corruptedManifestFetchedByDigestIsDetected() {
    relay.corruptResponseByte("/manifests/" + image.manifestDigest(), 20);
    assertThatThrownBy(() -> client.fetchManifest("faulty/app", image.manifestDigest().toString()))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("expected " + image.manifestDigest());
  }

  @Test
  void refusedConnectionsAreRetriedThenReported() throws Exception {
    String deadHost = relay.hostPort();
    relay.close();
    try (RegistryClient dead =
        RegistryClient.builder(deadHost)
            .plainHttp(true)
            .retryPolicy(RetryPolicy.defaults().withMaxAttempts(3))
            .sleeper(sleeps::add)
            .build()) {
      assertThatThrownBy(() -> dead.fetchManifest("faulty/app", "v1"))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("fetch manifest " + deadHost + "/faulty/app:v1")
          .hasMessageContaining("cannot connect")
          .hasMessageContaining("is a registry running at that address")
          .hasMessageContaining("after 3 attempts");
    }
    assertThat(sleeps).hasSize(2);
  }
}
