package io.brume.pull;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.brume.peer.TransferLedger;
import io.brume.registry.RegistryClient;
import io.brume.registry.RetryPolicy;
import io.brume.store.ContentStore;
import io.brume.testing.FaultyRelay;
import io.brume.testing.ImagePusher;
import io.brume.testing.LayerBlob;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls through brume nodes' peer servers on loopback, with Debian's real docker-registry behind
 * them: layers come from the nearest peer holding them, a peer cut or killed mid-layer is replaced
 * by the next source at the same byte, and a lying peer never gets a byte into a snapshot.
 */
class PeerPullIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  private static final Platform AMD64 = Platform.of("linux", "amd64");
  private static final ClusterToken TOKEN = ClusterToken.of("peer-pull-test-token-0123456789");
  private static LayerBlob base;
  private static LayerBlob app;

  @TempDir Path dir;
  private final List<PullEvent> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void pushImage() {
    // Larger than loopback socket buffers, so that killing a peer mid-layer really cuts it.
    base = noiseLayer("base.bin", 16_000_000, 1);
    app = noiseLayer("app.bin", 1_500_000, 2);
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("fog/app", "v1", TestImage.builder().layer(base).layer(app).build());
    }
  }

  private static LayerBlob noiseLayer(String name, int size, long seed) {
    byte[] noise = new byte[size];
    new SplittableRandom(seed).nextBytes(noise);
    return TestLayer.builder().file(name, noise, 0644).build(Compression.GZIP);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private static ImageReference ref() {
    return ImageReference.parse(REGISTRY.hostPort() + "/fog/app:v1");
  }

  private RegistryClient registry() {
    return closing(
        RegistryClient.builder(REGISTRY.hostPort())
            .plainHttp(true)
            .sleeper(d -> {})
            .connectTimeout(Duration.ofSeconds(5))
            .build());
  }

  private ContentStore store(String node) throws IOException {
    return closing(ContentStore.open(dir.resolve(node)));
  }

  /** A node that pulled the image from the registry and serves its store. */
  private PeerBlobServer seededNode(String node) throws Exception {
    ContentStore store = store(node);
    ImagePuller.builder(store, registry()).build().pull(ref(), AMD64);
    return serve(store);
  }

  private PeerBlobServer serve(ContentStore store) throws IOException {
    return closing(
        PeerBlobServer.start(
            new InetSocketAddress("127.0.0.1", 0), store.blobs(), TOKEN, 4, Optional::empty));
  }

  private static PeerNode peer(String name, int port, double distanceMillis) {
    return PeerNode.of(
        name,
        URI.create("http://127.0.0.1:" + port),
        new Coordinate(new double[] {distanceMillis, 0}, 0.1, 0, 0));
  }

  private PeerFetcher fetcher(LongSupplier nanoTime, PeerNode... peers) {
    PeerDirectory directory =
        new PeerDirectory("me", new Coordinate(new double[2], 0.1, 0, 0), List.of(peers));
    return closing(
        PeerFetcher.builder(directory, TOKEN)
            .askTimeout(Duration.ofSeconds(5))
            .stallTimeout(Duration.ofSeconds(5))
            .random(new SplittableRandom(1))
            .nanoTime(nanoTime)
            .build());
  }

  private ImagePuller.Result pullWithPeers(ContentStore store, PeerFetcher peers) throws Exception {
    return ImagePuller.builder(store, registry())
        .peers(peers)
        .listener(events::add)
        .sleeper(d -> {})
        .retry(RetryPolicy.defaults().withMaxAttempts(3))
        .build()
        .pull(ref(), AMD64);
  }

  /** Bytes per source for one layer, from the pull's events. */
  private Map<String, Long> sources(Digest layer) {
    Map<String, Long> bytes = new java.util.TreeMap<>();
    for (PullEvent e : events) {
      if (e instanceof PullEvent.Transferred t && t.layer().equals(layer)) {
        bytes.merge(t.source(), t.bytes(), Long::sum);
      }
    }
    return bytes;
  }

  private static void assertLayersIntact(ContentStore store) throws IOException {
    for (LayerBlob layer : List.of(base, app)) {
      assertThat(store.blobs().contains(layer.digest())).isTrue();
      assertThat(Digest.sha256(Files.readAllBytes(store.blobs().path(layer.digest()))))
          .isEqualTo(layer.digest());
      assertThat(store.snapshots().contains(layer.diffId())).isTrue();
    }
    Path diff = store.snapshots().find(base.diffId()).orElseThrow().diff();
    assertThat(Files.size(diff.resolve("base.bin"))).isEqualTo(16_000_000);
  }

  @Test
  void layersComeFromTheNearestPeerThatHoldsThem() throws Exception {
    PeerBlobServer far = seededNode("far");
    PeerBlobServer near = seededNode("near");
    PeerBlobServer empty = serve(store("empty"));
    ContentStore me = store("me");
    PeerFetcher peers =
        fetcher(
            System::nanoTime,
            peer("far", far.address().getPort(), 80),
            peer("near", near.address().getPort(), 5),
            peer("empty", empty.address().getPort(), 1));

    pullWithPeers(me, peers);

    assertLayersIntact(me);
    assertThat(sources(base.digest())).isEqualTo(Map.of("peer near", (long) base.blob().length));
    assertThat(sources(app.digest())).isEqualTo(Map.of("peer near", (long) app.blob().length));
    assertThat(far.bytesServed()).isZero();
    assertThat(near.bytesServed()).isEqualTo(base.blob().length + app.blob().length);
    assertThat(TransferLedger.of(me.root()).totals())
        .isEqualTo(Map.of(TransferLedger.PEER, (long) base.blob().length + app.blob().length));
  }

  @Test
  void aPeerCutMidLayerIsReplacedByTheNextPeerFromTheSameByte() throws Exception {
    PeerBlobServer a = seededNode("a");
    PeerBlobServer b = seededNode("b");
    FaultyRelay toA =
        closing(FaultyRelay.start(new InetSocketAddress("127.0.0.1", a.address().getPort())));
    toA.cutResponseAfter("/blobs/" + base.digest(), 700_000);
    ContentStore me = store("me");

    pullWithPeers(
        me,
        fetcher(System::nanoTime, peer("a", toA.port(), 2), peer("b", b.address().getPort(), 500)));

    assertLayersIntact(me);
    Map<String, Long> bytes = sources(base.digest());
    assertThat(bytes).containsOnlyKeys("peer a", "peer b");
    assertThat(bytes.get("peer a")).isBetween(1L, 700_000L);
    assertThat(bytes.get("peer a") + bytes.get("peer b")).isEqualTo(base.blob().length);
    assertThat(events)
        .filteredOn(e -> e instanceof PullEvent.Resuming r && r.reason().contains("peer a"))
        .hasSize(1);
    // The other layer still comes from the nearest peer: the failure was about one blob.
    assertThat(sources(app.digest())).containsOnlyKeys("peer a");
  }

  @Test
  void aPeerKilledMidTransferLeavesTheRestToTheRegistry() throws Exception {
    PeerBlobServer only = seededNode("only");
    ContentStore me = store("me");
    AtomicBoolean killed = new AtomicBoolean();
    PullListener killer =
        e -> {
          events.add(e);
          if (e instanceof PullEvent.Downloading d
              && d.received() >= 1_000_000
              && killed.compareAndSet(false, true)) {
            only.close(); // the node dies: its connections and its port are gone
          }
        };
    ImagePuller.builder(me, registry())
        .peers(fetcher(System::nanoTime, peer("only", only.address().getPort(), 3)))
        .listener(killer)
        .sleeper(d -> {})
        .build()
        .pull(ref(), AMD64);

    assertThat(killed).isTrue();
    assertLayersIntact(me);
    Map<String, Long> bytes = sources(base.digest());
    assertThat(bytes.get("peer only")).isBetween(1_000_000L, (long) base.blob().length - 1);
    assertThat(bytes.get("registry")).isEqualTo(base.blob().length - bytes.get("peer only"));
    assertThat(sources(app.digest())).containsOnlyKeys("registry");
  }

  @Test
  void aLyingPeerIsDroppedAndCountedAndItsBytesNeverCommitted() throws Exception {
    ContentStore liarStore = store("liar");
    // Same size, wrong bytes, placed where verified blobs live: the liar claims to hold the layer.
    for (LayerBlob layer : List.of(base, app)) {
      byte[] junk = new byte[layer.blob().length];
      new SplittableRandom(99).nextBytes(junk);
      Files.createDirectories(liarStore.blobs().path(layer.digest()).getParent());
      Files.write(liarStore.blobs().path(layer.digest()), junk);
    }
    PeerBlobServer liar = serve(liarStore);
    ContentStore me = store("me");
    PeerFetcher peers = fetcher(System::nanoTime, peer("liar", liar.address().getPort(), 1));

    pullWithPeers(me, peers);

    assertLayersIntact(me);
    assertThat(peers.dropped()).containsExactly("liar");
    assertThat(peers.rejectedBlobs()).isEqualTo(1);
    assertThat(events)
        .filteredOn(e -> e instanceof PullEvent.Resuming r && r.reason().contains("verification"))
        .hasSize(1);
    // Dropped after the first lie: the second layer was never asked of it.
    assertThat(liar.bytesServed()).isEqualTo(base.blob().length);
    assertThat(sources(app.digest())).containsOnlyKeys("registry");
  }

  @Test
  void nodesDeployingAtOnceLetTheirSiteSeederAloneFetchFromTheRegistry() throws Exception {
    ContentStore x = store("x");
    ContentStore y = store("y");
    PeerBlobServer atX = serve(x);
    PeerBlobServer atY = serve(y);
    PeerFetcher fromX = fetcher(System::nanoTime, peer("y", atY.address().getPort(), 1));
    PeerFetcher fromY = fetcher(System::nanoTime, peer("x", atX.address().getPort(), 1));
    List<PullEvent> xEvents = new CopyOnWriteArrayList<>();
    List<PullEvent> yEvents = new CopyOnWriteArrayList<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var pulls =
          List.of(
              threads.submit(() -> pull(x, fromX, xEvents)),
              threads.submit(() -> pull(y, fromY, yEvents)));
      for (var pull : pulls) {
        pull.get();
      }
    }
    assertLayersIntact(x);
    assertLayersIntact(y);
    long xFromRegistry = registryBytes(xEvents);
    long yFromRegistry = registryBytes(yEvents);
    // Exactly one of the two crossed the "uplink"; the other got every byte from it.
    assertThat(List.of(xFromRegistry, yFromRegistry))
        .containsExactlyInAnyOrder(0L, (long) base.blob().length + app.blob().length);
    assertThat(atX.bytesServed() + atY.bytesServed())
        .isEqualTo(base.blob().length + app.blob().length);
  }

  private Void pull(ContentStore store, PeerFetcher peers, List<PullEvent> sink) throws Exception {
    ImagePuller.builder(store, registry())
        .peers(peers)
        .listener(sink::add)
        .build()
        .pull(ref(), AMD64);
    return null;
  }

  private static long registryBytes(List<PullEvent> events) {
    return events.stream()
        .filter(e -> e instanceof PullEvent.Transferred t && !t.fromPeer())
        .mapToLong(e -> ((PullEvent.Transferred) e).bytes())
        .sum();
  }

  @Test
  void aPeerBelowTheRateFloorIsAbandonedForTheRegistry() throws Exception {
    PeerBlobServer slow = seededNode("slow");
    ContentStore me = store("me");
    // Every clock reading is ten seconds later: whatever arrives looks like a trickle.
    AtomicLong now = new AtomicLong();
    LongSupplier crawling = () -> now.addAndGet(10_000_000_000L);
    PeerFetcher peers = fetcher(crawling, peer("slow", slow.address().getPort(), 1));

    pullWithPeers(me, peers);

    assertLayersIntact(me);
    assertThat(peers.abandonments()).isEqualTo(2);
    assertThat(events)
        .filteredOn(e -> e instanceof PullEvent.Resuming r && r.reason().contains("too slow"))
        .hasSize(2);
    assertThat(sources(base.digest())).containsKey("registry");
  }
}
