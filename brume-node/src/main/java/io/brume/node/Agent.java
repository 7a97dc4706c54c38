package io.brume.node;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.GuardedVivaldi;
import io.brume.coordinate.SampleGuard;
import io.brume.coordinate.VivaldiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The brume node agent: one per fog node. Lifecycle: {@link #create} builds it, {@link #start}
 * binds the UDP probe socket and the HTTP API and starts probing, {@link #stop} releases everything
 * (idempotent). Later features (the proxy, the dashboard) attach to it as {@link AgentComponent}s,
 * started after and stopped before probing.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Agent.class.getName());

  /** Authentic probes older or newer than this (by the sender's clock) are refused as replays. */
  static final Duration REPLAY_WINDOW = Duration.ofSeconds(30);

  /** The warning about unauthenticated probes is logged once per process. */
  private static final AtomicBoolean WARNED_UNAUTHENTICATED = new AtomicBoolean();

  /** How often the probe key files are re-read (a rotated Secret appears within this). */
  static final Duration KEY_RELOAD = Duration.ofSeconds(10);

  private final AgentConfig config;
  private final VivaldiClient vivaldi;
  private final AgentMetrics metrics;
  private final Prober prober;
  private final AgentHttpApi http;
  private final List<AgentComponent> components;
  private final List<AgentComponent> startedComponents = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean started;

  private Agent(AgentConfig config, List<AgentComponent> components) {
    this.config = config;
    this.components = List.copyOf(components);
    this.vivaldi = new VivaldiClient(config.vivaldi(), new SplittableRandom(~config.seed()));
    GuardedVivaldi guarded =
        new GuardedVivaldi(
            vivaldi, new SampleGuard(SampleGuard.Settings.defaults(), InstantSource.system()));
    this.metrics = new AgentMetrics(vivaldi, this::knownPeers);
    ProbeSeal seal = null;
    if (config.probeKeyDir() != null) {
      seal =
          new ProbeSeal(
              ProbeKeyring.load(config.probeKeyDir(), InstantSource.system(), KEY_RELOAD),
              InstantSource.system(),
              REPLAY_WINDOW);
    }
    metrics.watch(guarded, seal != null);
    this.prober = new Prober(config, guarded, metrics, seal);
    this.http = new AgentHttpApi(this, metrics);
  }

  private int knownPeers() {
    Prober p = prober;
    return p == null ? 0 : p.peerCoordinates().size();
  }

  /** An agent for {@code config}, not started. */
  public static Agent create(AgentConfig config) {
    return new Agent(config, List.of());
  }

  /** An agent for {@code config} hosting {@code components}, not started. */
  public static Agent create(AgentConfig config, List<AgentComponent> components) {
    return new Agent(config, components);
  }

  /**
   * Binds the sockets and starts probing.
   *
   * @throws UncheckedIOException if an address cannot be bound (the message names it)
   */
  public synchronized Agent start() {
    if (started) {
      return this;
    }
    if (config.probeKeyDir() == null && WARNED_UNAUTHENTICATED.compareAndSet(false, true)) {
      LOG.log(
          Level.WARNING,
          "probes are NOT authenticated (no probe_key_dir): anyone who can send UDP to {0} can"
              + " speak for a configured peer from its address; run this only on a trusted network,"
              + " or give the agent a cluster key (docs/kubernetes.md, \"Probe keys\"; in Kubernetes:"
              + " kubectl -n brume-system create secret generic brume-probe-key"
              + " --from-literal=current=\"$(openssl rand -base64 32)\", then restart the"
              + " DaemonSet)",
          config.listen());
    }
    try {
      prober.start();
    } catch (IOException e) {
      stop();
      throw new UncheckedIOException("cannot bind UDP probe address " + config.listen(), e);
    }
    try {
      http.start(config.http());
    } catch (IOException e) {
      stop();
      throw new UncheckedIOException("cannot bind HTTP address " + config.http(), e);
    }
    for (AgentComponent c : components) {
      startedComponents.add(c);
      try {
        c.start(this);
      } catch (Exception e) {
        stop();
        throw new IllegalStateException(
            "agent component " + c + " failed to start: " + e.getMessage(), e);
      }
    }
    started = true;
    return this;
  }

  /** Stops probing and the HTTP API; idempotent. */
  public synchronized void stop() {
    for (int i = startedComponents.size() - 1; i >= 0; i--) {
      startedComponents.get(i).stop();
    }
    startedComponents.clear();
    http.close();
    prober.close();
    stopped.countDown();
  }

  @Override
  public void close() {
    stop();
  }

  /** Blocks until {@link #stop} has been called. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  public AgentConfig config() {
    return config;
  }

  /** This node's coordinate. */
  public Coordinate coordinate() {
    return vivaldi.coordinate();
  }

  /** The last coordinate of every peer heard from. */
  public Map<String, Coordinate> peerCoordinates() {
    return prober.peerCoordinates();
  }

  /**
   * The RTT measured by the last answered probe to each peer, ms: the raw sample, before the
   * latency filter and the sample guard.
   */
  public Map<String, Double> measuredRttMillis() {
    return prober.measuredRttMillis();
  }

  /** Whether probing still runs (the receive loop and the probe schedule); see /healthz. */
  boolean isProbing() {
    return prober.isProbing();
  }

  /** For tests: stops probing only, as a dead probe thread would. */
  void stopProbing() {
    prober.close();
  }

  /** The bound UDP probe address. */
  public InetSocketAddress probeAddress() {
    try {
      return prober.localAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bound HTTP address. */
  public InetSocketAddress httpAddress() {
    return http.address();
  }

  /** The agent's meters, for components that export their own. */
  AgentMetrics metrics() {
    return metrics;
  }

  /** Prometheus text of the agent's metrics. */
  public String scrapeMetrics() {
    return metrics.scrape();
  }
}
