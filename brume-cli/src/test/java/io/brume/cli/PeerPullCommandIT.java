package io.brume.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.peer.ClusterToken;
import io.brume.peer.PeerBlobServer;
import io.brume.store.ContentStore;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code brume pull --peers}: layers from a peer's server, and where the bytes came from. */
class PeerPullCommandIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();
  private static final String TOKEN = "cli-peer-token-0123456789abcdef";

  @TempDir Path dir;

  @BeforeAll
  static void push() {
    TestImage image =
        TestImage.builder()
            .platform(Platform.host())
            .layer(TestLayer.builder().file("etc/motd", "from a peer\n"), Compression.GZIP)
            .build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("cli/peered", "v1", image);
    }
  }

  private static CapturedCli brume(String... args) {
    CapturedCli cli = new CapturedCli();
    cli.run(args);
    return cli;
  }

  @Test
  void pullsLayersFromThePeerAndSaysSo() throws Exception {
    String ref = REGISTRY.hostPort() + "/cli/peered:v1";
    Path seeded = dir.resolve("seeded");
    CapturedCli first = brume("pull", "--store", seeded.toString(), "--plain-http", ref);
    assertThat(first.err()).isEmpty();
    assertThat(first.out()).contains("from registry");
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    try (ContentStore store = ContentStore.open(seeded);
        PeerBlobServer server =
            PeerBlobServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                store.blobs(),
                ClusterToken.of(TOKEN),
                2,
                Optional::empty)) {
      Path peers =
          Files.writeString(
              dir.resolve("peers.json"),
              """
              {"self": {"name": "me", "coordinate": {"vector": [0, 0], "height": 0.1}},
               "peers": [{"name": "seeded", "url": "http://127.0.0.1:%d",
                          "coordinate": {"vector": [3, 4], "height": 0.1}}]}
              """
                  .formatted(server.address().getPort()));

      CapturedCli pull =
          brume(
              "pull",
              "--store",
              dir.resolve("me").toString(),
              "--plain-http",
              "--peers",
              peers.toString(),
              "--peer-token-file",
              token.toString(),
              ref);

      assertThat(pull.err()).isEmpty();
      assertThat(pull.out()).contains("from peer seeded in").contains("Pulled " + ref);
      assertThat(server.blobsServed()).isEqualTo(1);
    }
  }

  @Test
  void peerOptionMistakesAreOneLineErrors() throws Exception {
    String ref = REGISTRY.hostPort() + "/cli/peered:v1";
    Path peers = Files.writeString(dir.resolve("peers.json"), "{\"self\": {\"name\": \"me\"}}");
    Path token = Files.writeString(dir.resolve("token"), TOKEN);

    assertThat(brume("pull", "--plain-http", "--peers", peers.toString(), ref).err())
        .contains("--peer-token-file FILE is required");
    assertThat(
            brume(
                    "pull",
                    "--plain-http",
                    "--peers",
                    peers.toString(),
                    "--peer-token-file",
                    token.toString(),
                    "--peer-choice",
                    "sideways",
                    ref)
                .err())
        .contains("--peer-choice must be nearest or random");
    CapturedCli bad =
        brume(
            "pull",
            "--store",
            dir.resolve("s").toString(),
            "--plain-http",
            "--peers",
            peers.toString(),
            "--peer-token-file",
            token.toString(),
            ref);
    assertThat(bad.err())
        .contains("peers file " + peers)
        .contains("missing field self.coordinate")
        .doesNotContain("\tat ");
  }
}
