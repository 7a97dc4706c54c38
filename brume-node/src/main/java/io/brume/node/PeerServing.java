package io.brume.node;

import io.brume.coordinate.Coordinate;
import io.brume.peer.ClusterToken;
import io.brume.peer.PeerBlobServer;
import io.brume.peer.PeerDirectory;
import io.brume.peer.PeerFetcher;
import io.brume.peer.PeerNode;
import io.brume.peer.TransferLedger;
import io.brume.store.ContentStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Hosts the node's {@link PeerBlobServer} in the agent, on its own port beside the agent's API: the
 * blobs of the node's store go to cluster members, {@code /v2/_brume/peers} tells a local {@code
 * brume pull} whom to ask (this node's coordinate and its peers' last coordinates; a peer's URL is
 * its probe host with this server's port, the same on every node as in the DaemonSet), and {@code
 * /metrics} gains bytes served and bytes fetched into the store by source.
 */
public final class PeerServing implements AgentComponent {
  private final InetSocketAddress listen;
  private final Path storeRoot;
  private final Path tokenFile;
  private final int maxUploads;
  private @Nullable PeerBlobServer server;
  private @Nullable PeerFetcher mirror;
  // Meters hold the objects they read weakly: keep them reachable here.
  private @Nullable TransferLedger ledger;

  /**
   * @param listen where the peer server listens (port 0: any)
   * @param storeRoot the store whose verified blobs are served (the one {@code brume pull} fills)
   * @param tokenFile the cluster token (a mounted Secret)
   * @param maxUploads bodies sent at once; more get 429
   */
  public PeerServing(InetSocketAddress listen, Path storeRoot, Path tokenFile, int maxUploads) {
    this.listen = Objects.requireNonNull(listen);
    this.storeRoot = Objects.requireNonNull(storeRoot);
    this.tokenFile = Objects.requireNonNull(tokenFile);
    this.maxUploads = maxUploads;
  }

  @Override
  public void start(Agent agent) throws IOException {
    ClusterToken token = ClusterToken.read(tokenFile);
    ContentStore store = ContentStore.open(storeRoot);
    int[] port = new int[1];
    // The containerd mirror asks the peers the agent knows, with their current coordinates.
    mirror = PeerFetcher.builder(() -> directory(agent, port[0]), token).build();
    server =
        PeerBlobServer.start(
            listen,
            store.blobs(),
            token,
            maxUploads,
            () -> Optional.of(directory(agent, port[0])),
            Optional.of(mirror));
    port[0] = server().address().getPort();
    ledger = TransferLedger.of(store.root());
    register(agent.metrics().registry, server, ledger);
  }

  /** The bound address of the peer server. */
  public InetSocketAddress address() {
    return server().address();
  }

  static PeerDirectory directory(Agent agent, int port) {
    Map<String, Coordinate> known = agent.peerCoordinates();
    List<PeerNode> peers = new ArrayList<>();
    for (AgentConfig.Peer p : agent.config().peers()) {
      String host = p.address().getHostString();
      String authority = host.contains(":") ? "[" + host + "]" : host;
      peers.add(
          new PeerNode(
              p.name(),
              URI.create("http://" + authority + ":" + port),
              Optional.ofNullable(known.get(p.name()))));
    }
    return new PeerDirectory(agent.config().node(), agent.coordinate(), peers);
  }

  private static void register(
      MeterRegistry registry, PeerBlobServer server, TransferLedger ledger) {
    FunctionCounter.builder("brume.peer.served.bytes", server, PeerBlobServer::bytesServed)
        .description("Blob bytes sent to other nodes")
        .register(registry);
    FunctionCounter.builder("brume.peer.mirrored.bytes", server, PeerBlobServer::bytesMirrored)
        .description("Bytes of this node's containerd mirror requests fetched from peers")
        .register(registry);
    FunctionCounter.builder("brume.peer.served.blobs", server, PeerBlobServer::blobsServed)
        .description("Whole blobs sent to other nodes")
        .register(registry);
    FunctionCounter.builder("brume.peer.rejected.full", server, PeerBlobServer::rejectedFull)
        .description("Blob requests answered 429: upload cap reached")
        .register(registry);
    FunctionCounter.builder(
            "brume.peer.rejected.unauthorized", server, PeerBlobServer::rejectedUnauthorized)
        .description("Peer requests without the cluster token (401)")
        .register(registry);
    for (String source : List.of(TransferLedger.REGISTRY, TransferLedger.PEER)) {
      FunctionCounter.builder("brume.image.fetched.bytes", ledger, l -> fetched(l, source))
          .description("Layer bytes pulled into this node's store, by source")
          .tag("source", source)
          .register(registry);
    }
  }

  private static double fetched(TransferLedger ledger, String source) {
    try {
      return ledger.totals().getOrDefault(source, 0L);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
    if (mirror != null) {
      mirror.close();
    }
  }

  /** The server serving blobs; set once started. */
  private PeerBlobServer server() {
    return Objects.requireNonNull(server, "not started");
  }
}
