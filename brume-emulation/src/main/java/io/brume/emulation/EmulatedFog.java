package io.brume.emulation;

import io.brume.router.RoutingPolicies;
import io.brume.router.placement.PlacementPlanner;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A whole fog in this JVM: N {@link EmulatedNode}s probing each other through {@link
 * UdpDelayRelay}s, a demo service with replicas on spread-out nodes, and Poisson client load from
 * every node sent, arrival for arrival, through two {@link PolicyLane}s: {@code random} (what
 * kube-proxy does) and brume's policy.
 *
 * <p>One JVM rather than one process per node: twelve JVMs would need about 12 × 40 MB of heap and
 * their start-up on a small machine, while every node here still talks over real loopback sockets
 * with the dataset's delays. Every thread runs on one virtual-thread executor owned by this class;
 * {@link #close} closes the sockets (which ends the loops blocked on them) and then the executor.
 */
public final class EmulatedFog implements AutoCloseable {
  private static final Duration TICK = Duration.ofMillis(500);

  private final FogConfig config;
  private final RttDataset dataset;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, EmulatedNode> nodes = new LinkedHashMap<>();
  private final List<UdpDelayRelay> udpRelays = new ArrayList<>();
  private final List<PolicyLane> lanes = new ArrayList<>();
  private final List<String> hosts = new ArrayList<>();
  private final LagMeter lag = new LagMeter();
  private final long startNanos = System.nanoTime();
  private volatile long loadStartNanos;
  private volatile boolean running = true;

  private EmulatedFog(FogConfig config) {
    this.config = config;
    this.dataset =
        config.nodes() < config.dataset().size()
            ? config.dataset().spreadSubset(config.nodes())
            : config.dataset();
  }

  /**
   * Builds and starts the fog: probing at once, client load after {@code config.warmUp()}.
   *
   * @throws IllegalArgumentException if {@code config.brumePolicy()} is not a router policy
   */
  public static EmulatedFog start(FogConfig config) {
    EmulatedFog fog = new EmulatedFog(config);
    try {
      fog.startNodes();
      fog.startLanes();
      fog.threads.execute(fog::tickLoop);
      fog.threads.execute(fog::loadLoop);
      return fog;
    } catch (RuntimeException | Error e) {
      fog.close(); // release the nodes and relays already started

      throw e;
    }
  }

  private void startNodes() {
    for (int i = 0; i < dataset.size(); i++) {
      String name = dataset.name(i);
      nodes.put(name, new EmulatedNode(name, config.probeInterval(), config.seed() * 1_000 + i));
    }
    List<EmulatedNode> list = List.copyOf(nodes.values());
    Map<String, InetSocketAddress> relayOf = new LinkedHashMap<>();
    for (int j = 0; j < list.size(); j++) {
      Map<SocketAddress, Duration> delayBySender = new LinkedHashMap<>();
      for (int i = 0; i < list.size(); i++) {
        if (i != j) {
          delayBySender.put(list.get(i).address(), Delays.oneWay(dataset.rttMillis(i, j)));
        }
      }
      UdpDelayRelay relay = new UdpDelayRelay(list.get(j).address(), delayBySender, threads, lag);
      udpRelays.add(relay);
      relayOf.put(list.get(j).name(), relay.address());
    }
    for (EmulatedNode node : list) {
      node.connect(relayOf);
      node.start(threads);
    }
  }

  private void startLanes() {
    for (int index :
        PlacementPlanner.farthestFirst(dataset.size(), dataset::rttMillis, config.replicas(), 0)) {
      hosts.add(dataset.name(index));
    }
    RoutingPolicies.Options options = RoutingPolicies.Options.defaults(InstantSource.system());
    for (String policy : List.of("random", config.brumePolicy())) {
      RoutingPolicies.create(policy, options); // fails early, naming the valid policies
      lanes.add(
          new PolicyLane(
              policy,
              () -> RoutingPolicies.create(policy, options),
              nodes,
              hosts,
              (a, b) -> dataset.rttMillis(dataset.names().indexOf(a), dataset.names().indexOf(b)),
              config,
              threads,
              lag));
    }
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

  /** The nodes actually emulated (a spread subset of the dataset if it is larger). */
  public RttDataset dataset() {
    return dataset;
  }

  /** The configuration. */
  public FogConfig config() {
    return config;
  }

  /** Names of the nodes hosting a replica. */
  public List<String> replicaHosts() {
    return List.copyOf(hosts);
  }

  List<EmulatedNode> nodes() {
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
      EmulatedNode node = Objects.requireNonNull(nodes.get(dataset.name(i)));
      for (int j = 0; j < dataset.size(); j++) {
        if (i == j) {
          continue;
        }
        double truth = dataset.rttMillis(i, j);
        double estimate = node.estimateRttMillis(dataset.name(j));
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

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  /** Stops the load, closes every socket and server, and waits up to 5 s for the threads. */
  @Override
  public void close() {
    running = false;
    lanes.forEach(PolicyLane::close);
    nodes.values().forEach(EmulatedNode::close);
    udpRelays.forEach(UdpDelayRelay::close);
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("emulated fog: threads still running 5 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
