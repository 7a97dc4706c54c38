package io.brume.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.ImageReference;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.registry.RegistryClient;
import io.brume.store.ContentStore;
import io.brume.store.InsufficientSpaceException;
import io.brume.testing.ImagePusher;
import io.brume.testing.LayerBlob;
import io.brume.testing.LocalRegistry;
import io.brume.testing.Prerequisites;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A store on a real, tiny file system (a 2 MiB tmpfs mounted by the test, as root). */
class DiskFullIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();
  private static final Platform AMD64 = Platform.of("linux", "amd64");

  private static LayerBlob incompressible;
  private static LayerBlob zeros;

  @TempDir Path mountPoint;
  private boolean mounted;

  @BeforeAll
  static void push() {
    byte[] noise = new byte[1_200_000];
    new SplittableRandom(11).nextBytes(noise);
    incompressible = TestLayer.builder().file("noise", noise, 0644).build(Compression.GZIP);
    // 8 MB of zeros compress to a few KB: the up-front estimate passes, the disk fills while
    // extracting.
    zeros = TestLayer.builder().file("zeros", new byte[8_000_000], 0644).build(Compression.GZIP);
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("full/big", "v1", TestImage.builder().layer(incompressible).build());
      pusher.push("full/bomb", "v1", TestImage.builder().layer(zeros).build());
      pusher.push(
          "full/small",
          "v1",
          TestImage.builder()
              .layer(TestLayer.builder().file("a", "a\n"), Compression.GZIP)
              .build());
    }
  }

  @BeforeEach
  void mountTinyFileSystem() throws Exception {
    Prerequisites.requireRoot("mounting a tmpfs");
    Process mount =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=2m", "brume-test", mountPoint.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(mount.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mount.exitValue()).as(new String(mount.getInputStream().readAllBytes())).isZero();
    mounted = true;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      // Lazy: the store keeps its lock file open for the life of the JVM.
      new ProcessBuilder("umount", "--lazy", mountPoint.toString())
          .inheritIO()
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLayerThatCannotFitIsRefusedBeforeAnyByteIsWritten() throws Exception {
    Path root = mountPoint.resolve("store");
    try (ContentStore store = ContentStore.open(root);
        RegistryClient client =
            RegistryClient.builder(REGISTRY.hostPort()).plainHttp(true).build()) {
      assertThatThrownBy(
              () -> ImagePuller.builder(store, client).build().pull(ref("full/big:v1"), AMD64))
          .isInstanceOf(InsufficientSpaceException.class)
          .hasMessageContaining("layer " + incompressible.digest())
          .hasMessageContaining("bytes available");
      assertThat(store.blobs().partialSize(incompressible.digest())).isZero();
      assertThat(store.images().list()).isEmpty();
    }
  }

  @Test
  void aDiskThatFillsDuringExtractionNamesTheLayerAndLeavesTheStoreConsistent() throws Exception {
    Path root = mountPoint.resolve("store");
    try (ContentStore store = ContentStore.open(root);
        RegistryClient client =
            RegistryClient.builder(REGISTRY.hostPort()).plainHttp(true).build()) {
      assertThatThrownBy(
              () -> ImagePuller.builder(store, client).build().pull(ref("full/bomb:v1"), AMD64))
          .isInstanceOf(InsufficientSpaceException.class)
          .hasMessageContaining("extracting layer " + zeros.digest());

      assertThat(store.snapshots().contains(zeros.diffId())).isFalse();
      assertThat(store.images().list()).isEmpty();
      try (Stream<Path> staging = Files.list(root.resolve("staging"))) {
        assertThat(staging).as("the half-extracted layer is rolled back").isEmpty();
      }
    }
    // Reopened (as after a crash) and collected, the same store pulls a small image fine.
    try (ContentStore store = ContentStore.open(root);
        RegistryClient client =
            RegistryClient.builder(REGISTRY.hostPort()).plainHttp(true).build()) {
      store.gc();
      assertThat(Files.getFileStore(root).getUsableSpace()).isGreaterThan(1_500_000);
      ImagePuller.builder(store, client).build().pull(ref("full/small:v1"), AMD64);
      assertThat(store.images().list()).hasSize(1);
    }
  }

  private static ImageReference ref(String repositoryAndTag) throws IOException {
    return ImageReference.parse(REGISTRY.hostPort() + "/" + repositoryAndTag);
  }
}
