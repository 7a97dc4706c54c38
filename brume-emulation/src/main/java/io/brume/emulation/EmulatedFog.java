package io.brume.emulation;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.VivaldiConfig;
import io.brume.dashboard.DeploymentView;
import io.brume.node.Agent;
import io.brume.node.AgentConfig;
import io.brume.router.RoutingPolicies;
import io.brume.router.placement.PlacementPlanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * A whole fog in this JVM: N production node agents (brume-node's {@link Agent}: its probes, its
 * Vivaldi configuration and peer selection, its HTTP API) probing each other through one {@link
 * UdpDelayRelay} per pair of nodes, a demo service with replicas in sites spread over the fog
 * ({@link SitePlacement}), whose image is first deployed to the replicas' nodes ({@link
 * Deployment}: brume with peers vs docker-style, side by side), and then Poisson client load from
 * every node sent, arrival for arrival, through two {@link PolicyLane}s: {@code random} (what
 * kube-proxy does) and brume's policy.
 *
 * <p>One JVM rather than one process per node: twelve JVMs would need about 12 × 40 MB of heap and
 * their start-up on a small machine, while every node here still talks over real loopback sockets
 * with the dataset's delays. Every thread except the agents' runs on one virtual-thread executor
 * owned by this class; {@link #close} stops the agents (which join their own platform threads),
 * closes the sockets (which ends the loops blocked on them) and then the executor.
 *
 * <p>The agents authenticate their probes with a cluster key made for this fog (a private temporary
 * directory, deleted on close), as a production cluster should.
 */
public final class EmulatedFog implements AutoCloseable {
  private static final Duration TICK = Duration.ofMillis(500);
  private static final double MIN_ORIGIN_RTT_MILLIS = 2;
  private static final Duration SITES_PATIENCE = Duration.ofSeconds(30);

  /** The RTT between a client and a replica on the same node, at least this, ms. */
  static final double MIN_SAME_SITE_MILLIS = 0.5;

  /** Answers to pings per second an agent may send: well above what 5 probes/s per node need. */
  private static final int MAX_PONGS_PER_SECOND = 1_000;

  private static final Logger LOG = Logger.getLogger(EmulatedFog.class.getName());

  private final FogConfig config;
  private final DeploymentConfig deploymentConfig;
  private volatile @Nullable Deployment deployment;
  private volatile @Nullable ReplicaBackends replicaBackends;
  private final RttMatrix dataset;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Agent> nodes = new LinkedHashMap<>();
  private final List<UdpDelayRelay> udpRelays = new ArrayList<>();
  private final List<PolicyLane> lanes = new ArrayList<>();
  private final List<String> hosts = new ArrayList<>();
  private final LagMeter lag = new LagMeter();
  private final long startNanos = System.nanoTime();
  private volatile long loadStartNanos;
  private volatile boolean running = true;
  private @Nullable Path probeKeyDir;

  private EmulatedFog(FogConfig config, DeploymentConfig deploymentConfig) {
    this.config = config;
    this.deploymentConfig = deploymentConfig;
    this.dataset =
        config.nodes() < config.dataset().size()
            ? spreadSubset(config.dataset(), config.nodes())
            : config.dataset();
  }

  /**
   * {@code count} nodes spread over {@code dataset}: node 0, then repeatedly the node farthest from
   * those already chosen (brume-router's greedy k-centre), so a small fog still spans the data
   * set's regions; in the data set's order.
   */
  static RttMatrix spreadSubset(RttMatrix dataset, int count) {
    int[] chosen = PlacementPlanner.farthestFirst(dataset.size(), dataset::rttMillis, count, 0);
    Arrays.sort(chosen);
    return dataset.subset(chosen);
  }

  /**
   * Builds and starts the fog: probing at once, client load after {@code config.warmUp()}.
   *
   * @throws IllegalArgumentException if {@code config.brumePolicy()} is not a router policy
   */
  public static EmulatedFog start(FogConfig config) {
    return start(config, DeploymentConfig.defaults());
  }

  /**
   * Builds and starts the fog; after the warm-up the demo image is deployed as {@code deployment}
   * says, and the client load starts once every replica host has it (or failed).
   */
  public static EmulatedFog start(FogConfig config, DeploymentConfig deployment) {
    removeLeftoversOfKilledRuns();
    EmulatedFog fog = new EmulatedFog(config, deployment);
    try {
      fog.startNodes();
      fog.startLanes();
      fog.startDeployment();
      fog.threads.execute(fog::tickLoop);
      fog.threads.execute(fog::loadLoop);
      return fog;
    } catch (RuntimeException | Error e) {
      fog.close(); // release the nodes and relays already started

      throw e;
    }
  }

  private void startNodes() {
    int n = dataset.size();
    UdpDelayRelay[][] links = new UdpDelayRelay[n][n];
    double maxRttMillis = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        links[i][j] = new UdpDelayRelay(Delays.oneWay(dataset.rttMillis(i, j)), lag);
        links[j][i] = links[i][j];
        udpRelays.add(links[i][j]);
        maxRttMillis = Math.max(maxRttMillis, dataset.rttMillis(i, j));
      }
    }
    probeKeyDir = newProbeKey();
    InetSocketAddress anyLoopbackPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    // An answer later than twice the longest RTT (plus a busy machine's stall) is lost.
    Duration probeTimeout =
        Duration.ofMillis(Math.clamp(Math.round(2 * maxRttMillis) + 500, 500, 10_000));
    for (int i = 0; i < n; i++) {
      List<AgentConfig.Peer> peers = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        if (j != i) {
          peers.add(new AgentConfig.Peer(dataset.name(j), links[i][j].address()));
        }
      }
      AgentConfig agentConfig =
          new AgentConfig(
                  dataset.name(i),
                  anyLoopbackPort,
                  anyLoopbackPort,
                  peers,
                  config.probeInterval(),
                  probeTimeout,
                  MAX_PONGS_PER_SECOND,
                  VivaldiConfig.robust(),
                  config.seed() * 1_000 + i)
              .withProbeKeyDir(probeKeyDir);
      Agent agent = Agent.create(agentConfig);
      nodes.put(dataset.name(i), agent);
      agent.start();
    }
    List<Agent> agents = List.copyOf(nodes.values());
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        links[i][j].connect(agents.get(i).probeAddress(), agents.get(j).probeAddress(), threads);
      }
    }
  }

  /**
   * Deletes what runs killed before they could clean up left in the temporary directory: above all
   * their replica containers, which keep serving on the host ({@link RunDirectories}).
   */
  private static void removeLeftoversOfKilledRuns() {
    Path temporary = RunDirectories.temporaryDirectory();
    for (String line : RunDirectories.removeOrphans(temporary, ReplicaRuntime.detect().crun())) {
      LOG.log(Level.WARNING, "leftover of a killed brume up: {0}", line);
    }
  }

  /** A private directory with a fresh random cluster key ({@code current}) for the agents. */
  private static Path newProbeKey() {
    try {
      Path dir =
          RunDirectories.create(
              RunDirectories.temporaryDirectory(),
              "probe-key-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.writeString(dir.resolve("current"), Base64.getEncoder().encodeToString(key) + "\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the emulated fog's probe key", e);
    }
  }

  private void startLanes() {
    hosts.addAll(placement().hosts());
    RoutingPolicies.Options options = RoutingPolicies.Options.defaults(InstantSource.system());
    for (String policy : List.of("random", config.brumePolicy())) {
      RoutingPolicies.create(policy, options); // fails early, naming the valid policies
      lanes.add(
          new PolicyLane(
              policy,
              () -> RoutingPolicies.create(policy, options),
              nodes,
              hosts,
              this::linkRttMillis,
              config,
              threads,
              lag));
    }
  }

  /** The replicas' sites (one replica per site when deployment is off). */
  private SitePlacement placement() {
    return SitePlacement.plan(
        dataset.names(),
        this::rttMillis,
        config.replicas(),
        deploymentConfig.enabled() ? deploymentConfig.replicasPerSite() : 1,
        deploymentConfig.compactSiteMillis());
  }

  /** A node's current Vivaldi coordinate: the deployment's only contact with the nodes' probing. */
  private Coordinate coordinateOf(String node) {
    return Objects.requireNonNull(nodes.get(node), node).coordinate();
  }

  private double rttMillis(String a, String b) {
    return dataset.rttMillis(dataset.names().indexOf(a), dataset.names().indexOf(b));
  }

  /** Sets up the deployment (pulls start after the warm-up) and gates the replicas on it. */
  private void startDeployment() {
    if (!deploymentConfig.enabled()) {
      return;
    }
    // The origin sits in the first node's region, behind its own thin uplink.
    String originSite = dataset.name(0);
    deployment =
        Deployment.create(
            deploymentConfig,
            config.seed(),
            new DeploymentLane.Fog(
                List.copyOf(hosts),
                this::rttMillis,
                host -> Math.max(MIN_ORIGIN_RTT_MILLIS, rttMillis(originSite, host)),
                this::coordinateOf,
                placement().peerSiteRadiusMillis(),
                threads,
                lag));
    // Once a host has the image (brume's lane), its replicas are served from it: a container run
    // from the exported bundle where the machine can, else in-process. Both lanes share it.
    ReplicaBackends backends =
        new ReplicaBackends(ReplicaRuntime.detect(), deployment.root().resolve("bundles"));
    replicaBackends = backends;
    DeploymentLane brume = deployment.lanes().get(0);
    String reference = brume.reference().toString();
    for (String host : hosts) {
      CompletableFuture<ReplicaBackend> backend =
          deployment
              .brumeCommitted(host)
              .thenApplyAsync(
                  committed ->
                      backends.forHost(
                          host, Objects.requireNonNull(brume.stores().get(host)), reference),
                  threads);
      for (PolicyLane lane : lanes) {
        lane.serveWhen(host, backend);
      }
    }
  }

  /**
   * How the demo replicas run, for the page: containers (crun) or in-process and why; {@code
   * "in-process (no deployment)"} when deployment is off.
   */
  public String replicaRuntime() {
    ReplicaBackends backends = replicaBackends;
    return backends == null ? "in-process (no deployment)" : backends.description();
  }

  private void tickLoop() {
    int tick = 0;
    try {
      while (running) {
        Thread.sleep(TICK);
        tick++;
        if (tick % 2 == 0) {
          lag.endWindow();
        }
        if (loadStartNanos == 0) {
          continue;
        }
        lanes.forEach(PolicyLane::reportLoads);
        if (tick % 2 == 0) {
          double at = secondsSince(loadStartNanos);
          lanes.forEach(lane -> lane.recorder().endInterval(at));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loadLoop() {
    try {
      Thread.sleep(config.warmUp());
      deploy();
      loadStartNanos = System.nanoTime();
      for (PolicyLane lane : lanes) {
        lane.replicas().forEach(DemoReplica::utilisationSinceLastReport); // reset the windows
      }
      int n = nodes.size();
      SplittableRandom random = new SplittableRandom(config.seed());
      List<String> names = List.copyOf(nodes.keySet());
      // All nodes' Poisson streams merged: one stream at n·λ, each arrival from a random node.
      double totalRate = n * config.requestsPerSecondPerNode();
      long next = System.nanoTime();
      while (running) {
        next += (long) (-Math.log(1 - random.nextDouble()) / totalRate * 1e9);
        Delays.sleepUntil(next);
        String origin = names.get(random.nextInt(n));
        for (PolicyLane lane : lanes) {
          threads.execute(() -> lane.send(origin));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /** Runs the deployment (coordinates have had the warm-up to settle) and waits for its end. */
  private void deploy() throws InterruptedException {
    Deployment d = deployment;
    if (d == null) {
      return;
    }
    // A real fog deploys on coordinates that settled long before; the peers' sites come from them.
    // Fresh coordinates often misjudge the short links (a 23 ms pair estimated at 100 ms), so wait
    // until they group the replica hosts into the sites as placed, as a running fog's would.
    long giveUp = System.nanoTime() + SITES_PATIENCE.toNanos();
    SitePlacement sites = placement();
    while (running && !coordinatesShow(sites) && System.nanoTime() - giveUp < 0) {
      Thread.sleep(200);
    }
    d.start();
    while (running && !d.done()) {
      Thread.sleep(100);
    }
  }

  /**
   * Whether the nodes' coordinates put every two hosts of a site within the peers' site radius of
   * each other, and hosts of different sites beyond it.
   */
  private boolean coordinatesShow(SitePlacement placement) {
    for (List<String> site : placement.sites()) {
      for (String a : site) {
        for (String b : hosts) {
          if (!a.equals(b)) {
            double estimate = coordinateOf(a).estimateRttMillis(coordinateOf(b));
            if (site.contains(b) != estimate <= placement.peerSiteRadiusMillis()) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  /** The deployment, when it is on: views per node and lane, origin, stores. */
  Optional<Deployment> deployment() {
    return Optional.ofNullable(deployment);
  }

  /**
   * Per node and lane, where the deployment of the demo image is (empty when deployment is off).
   */
  public List<DeploymentView> deployments() {
    Deployment d = deployment;
    return d == null ? List.of() : d.views();
  }

  /**
   * Per lane, seconds from the start of the deployment until every replica host of the lane had the
   * image (NaN while one is missing, or if one failed); empty when deployment is off.
   */
  public Map<String, Double> deploymentSeconds() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    Deployment d = deployment;
    if (d != null) {
      d.lanes().forEach(lane -> seconds.put(lane.name(), lane.allReadySeconds()));
    }
    return seconds;
  }

  /** How the demo image is deployed. */
  public DeploymentConfig deploymentConfig() {
    return deploymentConfig;
  }

  /** The replicas' sites, each a list of node names. */
  public List<List<String>> sites() {
    return placement().sites();
  }

  /** Compressed bytes of the demo image's layers; 0 when deployment is off. */
  public long imageBytes() {
    Deployment d = deployment;
    return d == null ? 0 : d.image().layerBytes();
  }

  /** Whether the deployment is over (every host ready or failed in both lanes), or off. */
  public boolean deploymentDone() {
    Deployment d = deployment;
    return d == null || d.done();
  }

  /** The nodes actually emulated (a spread subset of the dataset if it is larger). */
  public RttMatrix dataset() {
    return dataset;
  }

  /**
   * The emulated RTT between nodes {@code a} and {@code b}, ms; for a = b the same-site RTT (the
   * data set's intra-region RTT, at least {@value #MIN_SAME_SITE_MILLIS} ms).
   */
  double linkRttMillis(String a, String b) {
    return linkRttMillis(dataset, dataset.names().indexOf(a), dataset.names().indexOf(b));
  }

  /** {@link #linkRttMillis(String, String)} between nodes {@code i} and {@code j} of a data set. */
  static double linkRttMillis(RttMatrix dataset, int i, int j) {
    double rtt = dataset.rttMillis(i, j);
    if (i != j) {
      return rtt;
    }
    return Double.isNaN(rtt) ? MIN_SAME_SITE_MILLIS : Math.max(rtt, MIN_SAME_SITE_MILLIS);
  }

  /** Where each node's agent API answers ({@code /v1/coordinate}, {@code /metrics}, …), by node. */
  public Map<String, URI> agentUrls() {
    Map<String, URI> urls = new LinkedHashMap<>();
    nodes.forEach((name, agent) -> urls.put(name, agentUrl(agent)));
    return urls;
  }

  static URI agentUrl(Agent agent) {
    return URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + "/");
  }

  /**
   * {@code from}'s estimate of the RTT to node {@code to}, from its coordinate and the last one it
   * accepted from {@code to}, ms; NaN while it has none.
   */
  static double estimateRttMillis(Agent from, String to) {
    Coordinate other =
        to.equals(from.config().node()) ? from.coordinate() : from.peerCoordinates().get(to);
    return other == null ? Double.NaN : from.coordinate().estimateRttMillis(other);
  }

  /** The configuration. */
  public FogConfig config() {
    return config;
  }

  /** Names of the nodes hosting a replica. */
  public List<String> replicaHosts() {
    return List.copyOf(hosts);
  }

  List<Agent> nodes() {
    return List.copyOf(nodes.values());
  }

  List<PolicyLane> lanes() {
    return List.copyOf(lanes);
  }

  /** Seconds the client load has been running; 0 during the warm-up. */
  public double loadSeconds() {
    long start = loadStartNanos;
    return start == 0 ? 0 : secondsSince(start);
  }

  /**
   * Mean time the relays delivered after their deadlines over the last second, ms: what a busy
   * machine adds to every emulated delay (NaN before the first second).
   */
  public double relayLagMillis() {
    return lag.meanMillis();
  }

  /** Seconds since the fog started. */
  public double uptimeSeconds() {
    return secondsSince(startNanos);
  }

  /**
   * Median over all ordered pairs of |estimated − true| / true, where the estimate is the one the
   * first node makes from its coordinate and the coordinate it last heard from the second; pairs
   * without an estimate yet count as 100 % wrong.
   */
  public double medianRelativeError() {
    List<Double> errors = new ArrayList<>();
    for (int i = 0; i < dataset.size(); i++) {
      Agent node = Objects.requireNonNull(nodes.get(dataset.name(i)));
      for (int j = 0; j < dataset.size(); j++) {
        if (i == j) {
          continue;
        }
        double truth = dataset.rttMillis(i, j);
        double estimate = estimateRttMillis(node, dataset.name(j));
        errors.add(Double.isNaN(estimate) ? 1.0 : Math.abs(estimate - truth) / truth);
      }
    }
    errors.sort(null);
    return errors.get(errors.size() / 2);
  }

  /** A view of this fog for {@link io.brume.dashboard.DashboardServer}. */
  public FogDashboard dashboard() {
    return new FogDashboard(this);
  }

  /** The directory of the agents' cluster key while the fog runs. */
  @Nullable Path probeKeyDir() {
    return probeKeyDir;
  }

  private void deleteProbeKey() {
    if (probeKeyDir == null) {
      return;
    }
    try {
      Files.deleteIfExists(probeKeyDir.resolve("current"));
      Files.deleteIfExists(probeKeyDir.resolve(RunDirectories.OWNER_FILE));
      Files.deleteIfExists(probeKeyDir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete the emulated fog's probe key " + probeKeyDir, e);
    }
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  /**
   * Stops the load and the agents, closes every socket and server, deletes the probe key, and waits
   * up to 5 s for the threads.
   */
  @Override
  public void close() {
    running = false;
    lanes.forEach(PolicyLane::close);
    ReplicaBackends backends = replicaBackends;
    if (backends != null) {
      backends.close(); // before the deployment deletes the bundles they run from
    }
    nodes.values().forEach(Agent::stop);
    udpRelays.forEach(UdpDelayRelay::close);
    // Interrupt first: a pull blocked in an HTTP exchange is cancelled, so that closing its
    // registry client (which waits for the exchanges in flight) returns at once.
    threads.shutdownNow();
    Deployment d = deployment;
    if (d != null) {
      d.stop();
    }
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("emulated fog: threads still running 5 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (d != null) {
        d.close(); // the pulls have ended: delete the node stores
      }
      deleteProbeKey();
    }
  }
}
