package io.brume.snapshotter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brume.coordinate.Coordinate;
import io.brume.oci.Digest;
import io.brume.oci.ImageReference;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.peer.ClusterToken;
import io.brume.peer.PeerBlobServer;
import io.brume.peer.PeerDirectory;
import io.brume.peer.PeerFetcher;
import io.brume.peer.PeerNode;
import io.brume.pull.ImagePuller;
import io.brume.pull.PullStrategy;
import io.brume.registry.RegistryClient;
import io.brume.store.ContentStore;
import io.brume.testing.ImagePusher;
import io.brume.testing.LayerBlob;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshotter's CRI pull path with a peer configured, without containerd: {@link
 * Snapshotter#prepare} with containerd's CRI labels pulls the image through {@link RemoteLayers},
 * and the layer bytes come from the peer that holds them, not from the registry.
 */
class PeerSnapshotterIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  private static final Platform AMD64 = Platform.of("linux", "amd64");
  private static final ClusterToken TOKEN = ClusterToken.of("snap-peers-test-token-0123456789");
  private static LayerBlob base;
  private static LayerBlob app;
  private static Digest manifest;

  @TempDir Path dir;

  @BeforeAll
  static void pushImage() {
    byte[] noise = new byte[2_000_000];
    new SplittableRandom(7).nextBytes(noise);
    base = TestLayer.builder().file("base.bin", noise, 0644).build(Compression.GZIP);
    app =
        TestLayer.builder()
            .file("app.txt", "from a peer".getBytes(StandardCharsets.UTF_8), 0644)
            .build(Compression.GZIP);
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      manifest = pusher.push("fog/snap", "v1", TestImage.builder().layer(base).layer(app).build());
    }
  }

  private static RegistryClient registry() {
    return RegistryClient.builder(REGISTRY.hostPort())
        .plainHttp(true)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static String imageRef() {
    return REGISTRY.hostPort() + "/fog/snap:v1";
  }

  @Test
  void criPullFetchesTheLayersFromThePeer() throws Exception {
    try (ContentStore peerStore = ContentStore.open(dir.resolve("peer"));
        RegistryClient seeding = registry()) {
      ImagePuller.builder(peerStore, seeding).build().pull(ImageReference.parse(imageRef()), AMD64);
      try (PeerBlobServer peer =
              PeerBlobServer.start(
                  new InetSocketAddress("127.0.0.1", 0),
                  peerStore.blobs(),
                  TOKEN,
                  4,
                  Optional::empty);
          PeerFetcher peers =
              PeerFetcher.builder(
                      new PeerDirectory(
                          "me",
                          new Coordinate(new double[2], 0.1, 0, 0),
                          List.of(
                              PeerNode.of(
                                  "near",
                                  URI.create("http://127.0.0.1:" + peer.address().getPort()),
                                  new Coordinate(new double[] {5, 0}, 0.1, 0, 0)))),
                      TOKEN)
                  .askTimeout(Duration.ofSeconds(5))
                  .stallTimeout(Duration.ofSeconds(5))
                  .random(new SplittableRandom(1))
                  .build();
          Snapshotter snapshotter =
              Snapshotter.open(dir.resolve("snapshotter"), Clock.systemUTC())) {
        snapshotter.enableRemote(
            new RemoteLayers(
                snapshotter.root().resolve("store"),
                registry -> registry(),
                PullStrategy.AUTO,
                AMD64,
                Optional.of(peers)));
        String baseChain = base.diffId().toString();
        Map<String, String> labels =
            Map.of(
                Snapshotter.SNAPSHOT_REF, baseChain,
                RemoteLayers.IMAGE_REF, imageRef(),
                RemoteLayers.MANIFEST_DIGEST, manifest.toString(),
                RemoteLayers.LAYER_DIGEST, base.digest().toString());

        // containerd's unpacker: prepare with the target label; ALREADY_EXISTS means "supplied".
        assertThatThrownBy(() -> snapshotter.prepare("k8s.io/1/extract base", "", labels))
            .isInstanceOfSatisfying(
                SnapshotException.class,
                e -> assertThat(e.reason()).isEqualTo(SnapshotException.Reason.ALREADY_EXISTS));

        assertThat(peer.bytesServed()).isEqualTo(base.blob().length + app.blob().length);
        String appChain = RemoteLayers.chainIds(List.of(base.diffId(), app.diffId())).get(1);
        assertThat(snapshotter.committedWith(baseChain, "")).isPresent();
        assertThat(snapshotter.committedWith(appChain, baseChain)).isPresent();
        Path top = snapshotter.lowerDirs(appChain).get(0);
        assertThat(Files.readString(top.resolve("app.txt"))).isEqualTo("from a peer");
        Path bottom = snapshotter.lowerDirs(appChain).get(1);
        assertThat(Files.size(bottom.resolve("base.bin"))).isEqualTo(2_000_000);
      }
    }
  }
}
