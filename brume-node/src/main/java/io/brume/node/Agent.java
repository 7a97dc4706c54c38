package io.brume.node;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.VivaldiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * The brume node agent: one per fog node. Lifecycle: {@link #create} builds it, {@link #start}
 * binds the UDP probe socket and the HTTP API and starts probing, {@link #stop} releases everything
 * (idempotent). Later features (the proxy, the dashboard) attach to it as {@link AgentComponent}s,
 * started after and stopped before probing.
 */
public final class Agent implements AutoCloseable {
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
    this.metrics = new AgentMetrics(vivaldi, this::knownPeers);
    this.prober = new Prober(config, vivaldi, metrics);
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

  /** Prometheus text of the agent's metrics. */
  public String scrapeMetrics() {
    return metrics.scrape();
  }
}
