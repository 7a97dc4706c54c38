package io.brume.emulation;

import io.brume.coordinate.Coordinate;
import io.brume.dashboard.DeploymentView;
import io.brume.oci.ImageReference;
import io.brume.oci.Platform;
import io.brume.peer.ClusterToken;
import io.brume.peer.PeerBlobServer;
import io.brume.peer.PeerDirectory;
import io.brume.peer.PeerFetcher;
import io.brume.peer.PeerNode;
import io.brume.peer.PeerRanking;
import io.brume.pull.ImagePuller;
import io.brume.pull.PullEvent;
import io.brume.pull.PullStrategy;
import io.brume.registry.RegistryClient;
import io.brume.registry.TokenBucket;
import io.brume.store.ContentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * One way of deploying the demo image to every replica host, over its own copy of the emulated
 * links: each host has a {@link ContentStore} in a temp directory and pulls with brume's {@link
 * ImagePuller} through relays that add the data set's RTTs and the links' rates. The {@code docker}
 * lane pulls with the docker strategy from the origin only; the {@code brume} lane pulls with
 * {@code auto} and asks its peers first (every host serves its store with a {@link PeerBlobServer};
 * peers are ranked nearest-first on the hosts' Vivaldi coordinates, and one node per site fetches
 * from the origin, see docs/p2p.md).
 *
 * <p>Links of one lane: the origin's uplink (one bucket shared by every connection to the origin)
 * and each host's access link (one bucket per direction, shared by the host's connections to the
 * origin and to its peers). Requests pay the sender's uplink and the receiver's downlink, responses
 * the other way round.
 */
final class DeploymentLane implements AutoCloseable {
  // Generous bounds: every node of the lane starts at the same moment on a machine that also runs
  // the whole fog, so a peer's first answers can be seconds late (a load average of 20 on 2 cores
  // is common here); with PeerFetcher's LAN defaults (1 s to answer, a seeder given 3 s to start)
  // site mates gave up on their seeder and went to the origin.
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SEEDER_POLL = Duration.ofMillis(200);
  private static final Duration SEEDER_GRACE = Duration.ofSeconds(15);
  private static final Duration SEEDER_PATIENCE = Duration.ofMinutes(5);
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(10);

  /** What a lane needs from the fog. */
  record Fog(
      List<String> hosts,
      ToDoubleBiFunction<String, String> rttMillis,
      ToDoubleFunction<String> originRttMillis,
      Function<String, Coordinate> coordinates,
      double siteRadiusMillis,
      ExecutorService threads,
      LagMeter lag) {}

  private final String name;
  private final PullStrategy strategy;
  private final ImageReference reference;
  private final Fog fog;
  private final Map<String, NodeDeployment> nodes = new LinkedHashMap<>();
  private final Map<String, ContentStore> stores = new LinkedHashMap<>();
  private final Map<String, PeerBlobServer> peerServers = new LinkedHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<TcpDelayRelay> relays = new ArrayList<>();
  private final Map<String, RegistryClient> registries = new LinkedHashMap<>();
  private final Map<String, PeerFetcher> fetchers = new LinkedHashMap<>();
  private volatile long startNanos;
  private volatile Map<String, Coordinate> coordinates = Map.of();

  /**
   * Opens every host's store and starts its relays and (with peers) its peer server; pulls start
   * with {@link #start}.
   *
   * @param name the lane's name as the dashboard shows it
   * @param withPeers whether hosts fetch from each other before the origin
   * @param origin the origin registry's address
   * @param storeRoot where the hosts' stores go (the caller deletes it)
   */
  DeploymentLane(
      String name,
      PullStrategy strategy,
      boolean withPeers,
      InetSocketAddress origin,
      Fog fog,
      DeploymentConfig config,
      Path storeRoot,
      ClusterToken token) {
    this.name = name;
    this.strategy = strategy;
    this.fog = fog;
    String registry = "127.0.0.1:" + origin.getPort();
    this.reference =
        ImageReference.parse(registry + "/" + DemoImage.REPOSITORY + ":" + DemoImage.TAG);
    try {
      TokenBucket originUplink = TokenBucket.perSecond(config.originUplinkBytesPerSecond());
      Map<String, TokenBucket> up = new LinkedHashMap<>();
      Map<String, TokenBucket> down = new LinkedHashMap<>();
      for (String host : fog.hosts()) {
        up.put(host, TokenBucket.perSecond(config.nodeLinkBytesPerSecond()));
        down.put(host, TokenBucket.perSecond(config.nodeLinkBytesPerSecond()));
        nodes.put(host, new NodeDeployment(host));
        ContentStore store = ContentStore.open(storeRoot.resolve(host));
        stores.put(host, store);
        resources.add(store);
        if (withPeers) {
          PeerBlobServer server =
              PeerBlobServer.start(
                  new InetSocketAddress("127.0.0.1", 0), store.blobs(), token, 4, Optional::empty);
          peerServers.put(host, server);
          resources.add(server);
        }
      }
      for (String host : fog.hosts()) {
        TcpDelayRelay toOrigin =
            relay(
                origin,
                Delays.oneWay(fog.originRttMillis().applyAsDouble(host)),
                new Bandwidth(List.of(up.get(host)), List.of(originUplink, down.get(host))));
        RegistryClient client =
            RegistryClient.builder(registry)
                .endpoint(URI.create("http://127.0.0.1:" + toOrigin.address().getPort()))
                .connectTimeout(Duration.ofSeconds(10))
                .stallTimeout(STALL_TIMEOUT)
                .build();
        registries.put(host, client);
        resources.add(client);
        if (withPeers) {
          fetchers.put(host, fetcher(host, token, up, down));
        }
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot set up the " + name + " deployment lane", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private TcpDelayRelay relay(InetSocketAddress target, Duration oneWay, Bandwidth bandwidth) {
    TcpDelayRelay relay = new TcpDelayRelay(target, oneWay, bandwidth, fog.threads(), fog.lag());
    relays.add(relay);
    return relay;
  }

  /** {@code host}'s fetcher: every other host, reached through a relay of their pair's links. */
  private PeerFetcher fetcher(
      String host, ClusterToken token, Map<String, TokenBucket> up, Map<String, TokenBucket> down) {
    Map<String, URI> urls = new LinkedHashMap<>();
    for (String peer : fog.hosts()) {
      if (!peer.equals(host)) {
        TcpDelayRelay relay =
            relay(
                Objects.requireNonNull(peerServers.get(peer)).address(),
                Delays.oneWay(fog.rttMillis().applyAsDouble(host, peer)),
                new Bandwidth(
                    List.of(up.get(host), down.get(peer)), List.of(up.get(peer), down.get(host))));
        urls.put(peer, URI.create("http://127.0.0.1:" + relay.address().getPort()));
      }
    }
    PeerFetcher fetcher =
        PeerFetcher.builder(
                () -> {
                  List<PeerNode> peers = new ArrayList<>();
                  urls.forEach(
                      (peer, url) ->
                          peers.add(
                              PeerNode.of(
                                  peer, url, Objects.requireNonNull(coordinates.get(peer)))));
                  return new PeerDirectory(
                      host, Objects.requireNonNull(coordinates.get(host)), peers);
                },
                token)
            .mode(PeerRanking.Mode.NEAREST)
            .siteRadiusMillis(fog.siteRadiusMillis())
            .askTimeout(ASK_TIMEOUT)
            .seederWait(SEEDER_POLL, SEEDER_GRACE, SEEDER_PATIENCE)
            .stallTimeout(STALL_TIMEOUT)
            .build();
    resources.add(fetcher);
    return fetcher;
  }

  /** The lane's name. */
  String name() {
    return name;
  }

  /** The image every host pulls. */
  ImageReference reference() {
    return reference;
  }

  /** Starts every host's pull on the fog's threads. */
  void start(Platform platform) {
    // The coordinates as the pulls start, for the whole deployment, as brume pull reads its peer
    // directory once per pull. Read afresh they would drift: every emulated node shares this
    // machine's CPU, so the deployment's own work delays the probes and inflates the measured RTTs
    // (estimates doubled while it ran), which real nodes, each with its own CPU, would not see.
    Map<String, Coordinate> snapshot = new LinkedHashMap<>();
    fog.hosts().forEach(host -> snapshot.put(host, fog.coordinates().apply(host)));
    coordinates = snapshot;
    startNanos = System.nanoTime();
    for (String host : fog.hosts()) {
      fog.threads().execute(() -> pull(host, platform));
    }
  }

  private void pull(String host, Platform platform) {
    NodeDeployment node = Objects.requireNonNull(nodes.get(host));
    node.pulling(startNanos);
    try {
      ImagePuller.Builder puller =
          ImagePuller.builder(
                  Objects.requireNonNull(stores.get(host)),
                  Objects.requireNonNull(registries.get(host)))
              .strategy(strategy)
              .listener(node::onEvent);
      PeerFetcher fetcher = fetchers.get(host);
      if (fetcher != null) {
        puller.peers(fetcher);
      }
      puller.build().pull(reference, platform);
      node.ready();
    } catch (InterruptedException e) {
      node.failed(e);
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      node.failed(e);
    }
  }

  /** Completes when {@code host} has the image committed; fails when its pull fails. */
  CompletableFuture<Void> committed(String host) {
    return Objects.requireNonNull(nodes.get(host), host).committed();
  }

  /** Whether every host is ready or failed. */
  boolean done() {
    return nodes.values().stream().allMatch(NodeDeployment::finished);
  }

  /** Seconds from the start until the last host was ready; NaN until all are (or if one failed). */
  double allReadySeconds() {
    double last = 0;
    for (NodeDeployment node : nodes.values()) {
      last = Math.max(last, node.readySeconds());
    }
    return last;
  }

  /** The hosts' store directories, by host (tests check them). */
  Map<String, ContentStore> stores() {
    return Map.copyOf(stores);
  }

  /** Per host, the deployment as the dashboard shows it. */
  List<DeploymentView> views() {
    List<DeploymentView> views = new ArrayList<>();
    for (NodeDeployment node : nodes.values()) {
      views.add(node.view(reference.toString(), name));
    }
    return views;
  }

  /**
   * Closes the relays first, which breaks every transfer still running (a registry client's close
   * waits for its requests in flight), then the fetchers, clients, servers and stores.
   */
  @Override
  public void close() {
    relays.forEach(TcpDelayRelay::close);
    relays.clear();
    for (AutoCloseable resource : resources.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        // Closing on shutdown: the other resources must still be released.
      }
    }
    resources.clear();
  }

  /** One host's deployment in this lane; updated from the pull's threads. */
  static final class NodeDeployment {
    private final String node;
    private final CompletableFuture<Void> committed = new CompletableFuture<>();
    private final Map<io.brume.oci.Digest, Long> received =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder fromPeers =
        new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder fromOrigin =
        new java.util.concurrent.atomic.LongAdder();
    private volatile DeploymentView.State state = DeploymentView.State.PENDING;
    private volatile long startNanos;
    private volatile double readySeconds = Double.NaN;

    NodeDeployment(String node) {
      this.node = node;
    }

    void pulling(long start) {
      startNanos = start;
      state = DeploymentView.State.PULLING;
    }

    void onEvent(PullEvent event) {
      if (event instanceof PullEvent.Downloading d) {
        received.merge(d.layer(), d.received(), Math::max);
      } else if (event instanceof PullEvent.Transferred t) {
        (t.fromPeer() ? fromPeers : fromOrigin).add(t.bytes());
      }
    }

    void ready() {
      readySeconds = (System.nanoTime() - startNanos) / 1e9;
      state = DeploymentView.State.READY;
      committed.complete(null);
    }

    void failed(Exception e) {
      state = DeploymentView.State.FAILED;
      committed.completeExceptionally(e);
    }

    CompletableFuture<Void> committed() {
      return committed;
    }

    boolean finished() {
      return state == DeploymentView.State.READY || state == DeploymentView.State.FAILED;
    }

    double readySeconds() {
      return state == DeploymentView.State.READY ? readySeconds : Double.NaN;
    }

    DeploymentView view(String image, String lane) {
      long peers = fromPeers.sum();
      long origin = fromOrigin.sum();
      long downloading = received.values().stream().mapToLong(Long::longValue).sum();
      return new DeploymentView(
          node,
          image,
          lane,
          state,
          Math.max(downloading, peers + origin),
          peers,
          origin,
          readySeconds());
    }
  }
}
