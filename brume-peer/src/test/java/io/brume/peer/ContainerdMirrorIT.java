package io.brume.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.coordinate.Coordinate;
import io.brume.oci.Digest;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.store.BlobWriter;
import io.brume.store.ContentStore;
import io.brume.testing.Containerd;
import io.brume.testing.ImagePusher;
import io.brume.testing.LayerBlob;
import io.brume.testing.LocalRegistry;
import io.brume.testing.Prerequisites;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain containerd (Debian's 1.6, its own daemon) pulls through the node's peer server configured
 * as a {@code hosts.toml} mirror: the tag resolves at the registry, every blob and the manifest
 * come from the peer that holds them, through this node's server.
 */
class ContainerdMirrorIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();
  private static final ClusterToken TOKEN = ClusterToken.of("containerd-mirror-token-0123456789");
  private static TestImage image;

  @TempDir Path dir;

  @BeforeAll
  static void push() {
    byte[] noise = new byte[2_000_000];
    new SplittableRandom(4).nextBytes(noise);
    LayerBlob layer = TestLayer.builder().file("data.bin", noise, 0644).build(Compression.GZIP);
    image = TestImage.builder().platform(Platform.host()).layer(layer).build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("mirror/app", "v1", image);
    }
  }

  private static void requireContainerd() {
    Prerequisites.requireTools("containerd", "ctr"); // Debian package containerd
    Prerequisites.requireRoot("containerd");
  }

  private static void put(ContentStore store, byte[] bytes) throws IOException {
    try (BlobWriter writer = store.blobs().ingest(Digest.sha256(bytes), bytes.length)) {
      writer.write(bytes);
      writer.commit();
    }
  }

  private static Coordinate at(double x) {
    return new Coordinate(new double[] {x, 0}, 0.1, 0, 0.1);
  }

  @Test
  void containerdPullsEveryBlobThroughTheMirrorFromThePeerThatHoldsIt() throws Exception {
    requireContainerd();
    ContentStore seedStore = ContentStore.open(dir.resolve("seed"));
    put(seedStore, image.manifestBytes());
    put(seedStore, image.configBytes());
    for (LayerBlob layer : image.layers()) {
      put(seedStore, layer.blob());
    }
    ContentStore localStore = ContentStore.open(dir.resolve("local"));
    try (PeerBlobServer seed =
            PeerBlobServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                seedStore.blobs(),
                TOKEN,
                4,
                Optional::empty);
        PeerFetcher peers =
            PeerFetcher.builder(
                    new PeerDirectory(
                        "local",
                        at(0),
                        List.of(
                            PeerNode.of(
                                "seed",
                                URI.create("http://127.0.0.1:" + seed.address().getPort()),
                                at(2)))),
                    TOKEN)
                .build();
        PeerBlobServer local =
            PeerBlobServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                localStore.blobs(),
                TOKEN,
                4,
                Optional::empty,
                Optional.of(peers))) {
      Path hosts = dir.resolve("certs.d");
      String mirror = "http://127.0.0.1:" + local.address().getPort();
      Files.createDirectories(hosts.resolve(REGISTRY.hostPort()));
      Files.writeString(
          hosts.resolve(REGISTRY.hostPort()).resolve("hosts.toml"),
          """
          server = "http://%s"

          [host."%s"]
            capabilities = ["pull"]
            [host."%s".header]
              Authorization = "%s"
          """
              .formatted(REGISTRY.hostPort(), mirror, mirror, TOKEN.authorizationHeader()));
      try (Containerd containerd = Containerd.start(dir.resolve("containerd"), "p2p-test")) {
        containerd.ctr(
            "content",
            "fetch",
            "--hosts-dir",
            hosts.toString(),
            REGISTRY.hostPort() + "/mirror/app:v1");
      }

      long content =
          image.manifestBytes().length
              + image.configBytes().length
              + image.layers().stream().mapToLong(l -> l.blob().length).sum();
      assertThat(local.bytesMirrored()).isEqualTo(content);
      assertThat(seed.bytesServed()).isEqualTo(content);
      assertThat(local.bytesServed()).isZero(); // the local store had nothing of its own
    }
  }
}
