package io.brume.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.oci.Digest;
import io.brume.oci.ImageReference;
import io.brume.oci.MediaType;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.registry.RegistryClient;
import io.brume.registry.RetryPolicy;
import io.brume.store.ContentStore;
import io.brume.store.ImageRecord;
import io.brume.testing.FaultyRelay;
import io.brume.testing.ImagePusher;
import io.brume.testing.LayerBlob;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestIndex;
import io.brume.testing.TestLayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Pulls from Debian's real docker-registry, through a fault-injecting relay where it matters. */
class ImagePullerIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  private static final Platform AMD64 = Platform.of("linux", "amd64");
  private static TestImage app;
  private static LayerBlob noisy;

  @TempDir Path storeRoot;
  private final List<PullEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void pushImages() {
    byte[] noise = new byte[600_000];
    new SplittableRandom(7).nextBytes(noise);
    noisy = TestLayer.builder().file("data/noise.bin", noise, 0644).build(Compression.GZIP);
    app =
        TestImage.builder()
            .layer(
                TestLayer.builder()
                    .directory("etc", 0755)
                    .file("etc/os-release", "ID=brume\n")
                    .file("etc/hosts", "127.0.0.1 localhost\n")
                    .symlink("etc/localtime", "/usr/share/zoneinfo/UTC"),
                Compression.GZIP)
            .layer(noisy)
            .layer(
                TestLayer.builder()
                    .file("app/run.sh", "echo hi\n".getBytes(StandardCharsets.UTF_8), 0755),
                Compression.ZSTD)
            .layer(
                TestLayer.builder().whiteout("etc/hosts").file("app/VERSION", "2\n"),
                Compression.NONE)
            .build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("brume/app", "v1", app);
      TestImage arm =
          TestImage.builder()
              .platform(Platform.of("linux", "arm64", "v8"))
              .layer(TestLayer.builder().file("arch", "arm64\n"), Compression.GZIP)
              .build();
      TestImage x86 =
          TestImage.builder()
              .platform(AMD64)
              .layer(TestLayer.builder().file("arch", "amd64\n"), Compression.GZIP)
              .build();
      pusher.push("brume/multi", "v1", TestIndex.of(false, List.of(x86, arm)));
    }
  }

  @ParameterizedTest
  @EnumSource(PullStrategy.class)
  void everyStrategyPullsEveryLayerIntoItsOwnSnapshot(PullStrategy strategy) throws Exception {
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      ImagePuller.Result result = puller(store, client, strategy).pull(ref("brume/app:v1"), AMD64);

      ImageRecord record = store.images().get(ref("brume/app:v1").toString()).orElseThrow();
      assertThat(record).isEqualTo(result.image());
      assertThat(record.diffIds()).isEqualTo(app.config().diffIds());
      assertThat(result.layersPulled()).isEqualTo(4);
      Path base = store.snapshots().find(app.config().diffIds().get(0)).orElseThrow().diff();
      assertThat(base.resolve("etc/os-release")).hasContent("ID=brume");
      assertThat(Files.readSymbolicLink(base.resolve("etc/localtime")))
          .isEqualTo(Path.of("/usr/share/zoneinfo/UTC"));
      Path second = store.snapshots().find(noisy.diffId()).orElseThrow().diff();
      assertThat(Files.size(second.resolve("data/noise.bin"))).isEqualTo(600_000);
      Path top = store.snapshots().find(app.config().diffIds().get(3)).orElseThrow().directory();
      assertThat(Files.readString(top.resolve("changes.json"))).contains("etc/hosts");
      for (LayerBlob layer : app.layers()) {
        assertThat(store.blobs().contains(layer.digest())).isTrue();
      }
      assertThat(events).filteredOn(PullEvent.Done.class::isInstance).hasSize(4);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = PullStrategy.class,
      names = {"SEQUENTIAL", "PIPELINED", "AUTO"})
  void theNextLayerIsRequestedOnceThePreviousHasArrivedWithoutWaitingForItsVerification(
      PullStrategy strategy) throws Exception {
    Digest first = app.layers().get(0).digest();
    Digest second = app.layers().get(1).digest();
    CountDownLatch secondStarted = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      ImagePuller.builder(store, client)
          .strategy(strategy)
          .listener(
              event -> {
                events.add(event);
                if (event instanceof PullEvent.Downloading d && d.layer().equals(second)) {
                  secondStarted.countDown();
                }
                // The first layer's download reports its source only after its blob is verified
                // and durable: the second layer's bytes must be flowing by then.
                if (event instanceof PullEvent.Transferred t && t.layer().equals(first)) {
                  overlapped.set(cameWithinTenSeconds(secondStarted));
                }
              })
          .build()
          .pull(ref("brume/app:v1"), AMD64);
    }

    assertThat(overlapped).isTrue();
    // ... and one download at a time still means in layer order: not a byte of the second layer
    // before the last byte of the first.
    int firstDone =
        indexOf(
            e ->
                e instanceof PullEvent.Downloading d
                    && d.layer().equals(first)
                    && d.received() == d.size());
    int secondBegun =
        indexOf(e -> e instanceof PullEvent.Downloading d && d.layer().equals(second));
    assertThat(firstDone).isNotNegative().isLessThan(secondBegun);
  }

  private int indexOf(Predicate<PullEvent> matches) {
    for (int i = 0; i < events.size(); i++) {
      if (matches.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean cameWithinTenSeconds(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void anImageThatUsesTheSameLayerTwiceDownloadsItOnce() throws Exception {
    LayerBlob shared = TestLayer.builder().file("shared", "same bytes\n").build(Compression.GZIP);
    TestImage twice =
        TestImage.builder()
            .layer(shared)
            .layer(TestLayer.builder().file("middle", "m\n"), Compression.GZIP)
            .layer(shared)
            .build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("brume/twice", "v1", twice);
    }
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      puller(store, client, PullStrategy.DOCKER).pull(ref("brume/twice:v1"), AMD64);

      assertThat(store.snapshots().find(shared.diffId()).orElseThrow().diff().resolve("shared"))
          .hasContent("same bytes");
      assertThat(store.blobs().partialSize(shared.digest())).isZero();
      assertThat(events)
          .filteredOn(
              e -> e instanceof PullEvent.Downloading d && d.layer().equals(shared.digest()))
          .hasSize(1);
    }
  }

  @Test
  void layersFromFetchesOnlyTheUpperLayers() throws Exception {
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      List<Digest> seen = new CopyOnWriteArrayList<>();
      ImagePuller.Result result =
          ImagePuller.builder(store, client)
              .listener(events::add)
              .layersFrom(
                  diffIds -> {
                    seen.addAll(diffIds);
                    return 2;
                  })
              .build()
              .pull(ref("brume/app:v1"), AMD64);

      assertThat(seen).isEqualTo(app.config().diffIds());
      assertThat(result.layersPulled()).isEqualTo(2);
      for (int i = 0; i < 4; i++) {
        assertThat(store.blobs().contains(app.layers().get(i).digest())).isEqualTo(i >= 2);
        assertThat(store.snapshots().contains(app.config().diffIds().get(i))).isEqualTo(i >= 2);
      }
      assertThatThrownBy(
              () ->
                  ImagePuller.builder(store, client)
                      .layersFrom(diffIds -> 5)
                      .build()
                      .pull(ref("brume/app:v1"), AMD64))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("first layer 5 is outside image");
    }
  }

  @Test
  void aSecondPullFindsEveryLayerPresent() throws Exception {
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      puller(store, client, PullStrategy.AUTO).pull(ref("brume/app:v1"), AMD64);
      events.clear();

      ImagePuller.Result again =
          puller(store, client, PullStrategy.AUTO).pull(ref("brume/app:v1"), AMD64);

      assertThat(again.layersPulled()).isZero();
      assertThat(events).allMatch(PullEvent.AlreadyPresent.class::isInstance).hasSize(4);
    }
  }

  @Test
  void anIndexResolvesToTheRequestedPlatform() throws Exception {
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      ImagePuller.Result result =
          puller(store, client, PullStrategy.PIPELINED)
              .pull(ref("brume/multi:v1"), Platform.parse("linux/arm64"));

      Digest diffId = result.image().diffIds().get(0);
      assertThat(store.snapshots().find(diffId).orElseThrow().diff().resolve("arch"))
          .hasContent("arm64");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = PullStrategy.class,
      names = {"DOCKER", "PIPELINED"})
  void aConnectionCutMidLayerResumesWithRange(PullStrategy strategy) throws Exception {
    try (FaultyRelay relay = FaultyRelay.in(REGISTRY);
        ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(relay.hostPort())) {
      relay.cutResponseAfter("/blobs/" + noisy.digest(), 200_000);

      puller(store, client, strategy)
          .pull(ImageReference.parse(relay.hostPort() + "/brume/app:v1"), AMD64);

      assertThat(relay.faultsApplied()).isEqualTo(1);
      assertThat(events)
          .filteredOn(PullEvent.Resuming.class::isInstance)
          .singleElement()
          .satisfies(e -> assertThat(((PullEvent.Resuming) e).offset()).isBetween(1L, 200_000L));
      Path diff = store.snapshots().find(noisy.diffId()).orElseThrow().diff();
      assertThat(Files.size(diff.resolve("data/noise.bin"))).isEqualTo(600_000);
    }
  }

  @Test
  void aDownloadKilledHalfWayIsResumedByTheNextPull() throws Exception {
    ImageReference viaRelay;
    try (FaultyRelay relay = FaultyRelay.in(REGISTRY);
        ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(relay.hostPort())) {
      viaRelay = ImageReference.parse(relay.hostPort() + "/brume/app:v1");
      relay.cutResponseAfter("/blobs/" + noisy.digest(), 300_000);
      ImagePuller giveUpAtOnce =
          ImagePuller.builder(store, client)
              .strategy(PullStrategy.PIPELINED)
              .retry(RetryPolicy.defaults().withMaxAttempts(1))
              .sleeper(d -> {})
              .build();

      assertThatThrownBy(() -> giveUpAtOnce.pull(viaRelay, AMD64))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(noisy.digest().toString());
      assertThat(store.blobs().partialSize(noisy.digest())).isBetween(1L, 300_000L);
      assertThat(store.snapshots().contains(noisy.diffId())).isFalse();
      assertThat(store.images().list()).isEmpty();
    }
    // A new process: a fresh store object over the same directory, straight to the registry.
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      puller(store, client, PullStrategy.PIPELINED).pull(ref("brume/app:v1"), AMD64);

      assertThat(events)
          .filteredOn(e -> e instanceof PullEvent.Resuming r && r.layer().equals(noisy.digest()))
          .singleElement()
          .satisfies(e -> assertThat(((PullEvent.Resuming) e).offset()).isPositive());
      assertThat(store.snapshots().contains(noisy.diffId())).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = PullStrategy.class,
      names = {"DOCKER", "AUTO"})
  void aCorruptedBlobIsRejectedAndNothingIsCommitted(PullStrategy strategy) throws Exception {
    try (FaultyRelay relay = FaultyRelay.in(REGISTRY);
        ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(relay.hostPort())) {
      // A flipped byte deep in the noise: gzip's CRC may not catch it before the digest does.
      relay.corruptResponseByte("/blobs/" + noisy.digest(), 500_000);

      assertThatThrownBy(
              () ->
                  puller(store, client, strategy)
                      .pull(ImageReference.parse(relay.hostPort() + "/brume/app:v1"), AMD64))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(noisy.digest().toString());

      assertThat(store.snapshots().contains(noisy.diffId())).isFalse();
      assertThat(store.blobs().contains(noisy.digest())).isFalse();
      assertThat(store.blobs().partialSize(noisy.digest())).isZero();
      assertThat(store.images().list()).isEmpty();
      try (Stream<Path> staging = Files.list(storeRoot.resolve("staging"))) {
        assertThat(staging).isEmpty();
      }
    }
  }

  @Test
  void aLayerThatDoesNotMatchItsDiffIdIsRolledBack() throws Exception {
    LayerBlob layer = TestLayer.builder().file("a", "a\n").build(Compression.GZIP);
    LayerBlob other = TestLayer.builder().file("b", "b\n").build(Compression.GZIP);
    // The config claims the diff_id of another layer: the blob verifies, its content does not.
    TestImage lying = TestImage.builder().layer(other).build();
    String config = new String(lying.configBytes(), StandardCharsets.UTF_8);
    String manifest =
        """
        {"schemaVersion":2,"mediaType":"%s",
         "config":{"mediaType":"%s","digest":"%s","size":%d},
         "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}"""
            .formatted(
                MediaType.OCI_MANIFEST,
                MediaType.OCI_CONFIG,
                Digest.sha256(config.getBytes(StandardCharsets.UTF_8)),
                config.getBytes(StandardCharsets.UTF_8).length,
                MediaType.OCI_LAYER_GZIP,
                layer.digest(),
                layer.blob().length);
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.pushBlob("brume/lying", layer.blob());
      pusher.pushBlob("brume/lying", config.getBytes(StandardCharsets.UTF_8));
      pusher.pushManifest(
          "brume/lying", "v1", MediaType.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    }
    try (ContentStore store = ContentStore.open(storeRoot);
        RegistryClient client = client(REGISTRY.hostPort())) {
      assertThatThrownBy(
              () ->
                  puller(store, client, PullStrategy.PIPELINED).pull(ref("brume/lying:v1"), AMD64))
          .hasMessageContaining("diff_id");
      assertThat(store.snapshots().contains(other.diffId())).isFalse();
      assertThat(store.images().list()).isEmpty();
    }
  }

  private ImagePuller puller(ContentStore store, RegistryClient client, PullStrategy strategy) {
    return ImagePuller.builder(store, client)
        .strategy(strategy)
        .listener(events::add)
        .sleeper(d -> {})
        .retry(RetryPolicy.defaults().withMaxAttempts(3))
        .build();
  }

  private static RegistryClient client(String hostPort) {
    return RegistryClient.builder(hostPort)
        .plainHttp(true)
        .sleeper(d -> {})
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static ImageReference ref(String repositoryAndTag) {
    return ImageReference.parse(REGISTRY.hostPort() + "/" + repositoryAndTag);
  }
}
