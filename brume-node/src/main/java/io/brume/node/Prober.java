package io.brume.node;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.CoordinateBounds;
import io.brume.coordinate.GuardedVivaldi;
import io.brume.coordinate.InvalidSampleException;
import io.brume.coordinate.PeerSelector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * UDP RTT probing: every {@code probeInterval} one ping to a peer chosen by a {@link PeerSelector}
 * (near and far peers), RTT measured from this node's monotonic clock when the pong comes back,
 * each RTT fed to Vivaldi with the peer's coordinate. Pings are answered (rate-limited) with a pong
 * carrying this node's coordinate. Datagrams that are malformed, from unknown names, or pongs for
 * no pending ping are counted and dropped; they never reach Vivaldi.
 *
 * <p>Defences against other nodes (issue 15): with probe keys, every datagram is sealed and only
 * authentic, fresh ones are read ({@link ProbeSeal}); a datagram naming a configured peer must come
 * from that peer's IP address (ports may differ: relays, NAT); every sample goes through a {@link
 * GuardedVivaldi}, and a peer's coordinate is stored (and shown in the API) only if it was accepted
 * with a measured RTT or, from a ping, is plausible.
 */
final class Prober implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Prober.class.getName());
  private static final int MAX_PENDING = 1024;

  private final AgentConfig config;
  private final GuardedVivaldi vivaldi;
  private final ProbeSeal seal;
  private final AgentMetrics metrics;
  private final PeerSelector selector;
  private final Map<String, InetSocketAddress> peerAddresses = new ConcurrentHashMap<>();
  private final List<String> peerNames;
  private final Map<String, Coordinate> peerCoordinates = new ConcurrentHashMap<>();
  private final Map<String, Double> measuredRttMillis = new ConcurrentHashMap<>();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  // Random start: a forged pong has to guess a pending sequence number.
  private final AtomicLong sequence = new AtomicLong(new java.security.SecureRandom().nextLong());
  private final TokenBucket pongBudget;
  private DatagramChannel channel;
  private ScheduledExecutorService scheduler;
  private volatile ScheduledFuture<?> schedule;
  private Thread receiver;
  private volatile boolean closed;

  private record Pending(String peer, long sentNanos) {}

  /**
   * @param seal seals and opens datagrams with the cluster keys, or null for unauthenticated probes
   */
  Prober(AgentConfig config, GuardedVivaldi vivaldi, AgentMetrics metrics, ProbeSeal seal) {
    this.config = config;
    this.vivaldi = vivaldi;
    this.seal = seal;
    this.metrics = metrics;
    this.selector =
        new PeerSelector(
            Math.max(1, config.vivaldi().nearPeers()),
            config.vivaldi().nearProbeFraction(),
            new SplittableRandom(config.seed()));
    List<String> names = new ArrayList<>();
    for (AgentConfig.Peer p : config.peers()) {
      peerAddresses.put(p.name(), p.address());
      names.add(p.name());
    }
    this.peerNames = List.copyOf(names);
    this.pongBudget = new TokenBucket(config.maxPongsPerSecond(), System.nanoTime());
  }

  /** Binds the UDP socket and starts the receive loop and the probe schedule. */
  void start() throws IOException {
    channel = DatagramChannel.open();
    channel.bind(config.listen());
    // Platform threads, not virtual ones: probing must go on when the HTTP API's virtual threads
    // keep every carrier busy (issue 15: an API under attack starved the probes).
    receiver = Thread.ofPlatform().daemon().name("brume-probe-receiver").start(this::receiveLoop);
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("brume-prober").factory());
    long period = config.probeInterval().toNanos();
    schedule = scheduler.scheduleAtFixedRate(this::probeOnce, period, period, TimeUnit.NANOSECONDS);
  }

  /**
   * Whether probing still runs: the receive loop is alive and the probe schedule was not cancelled
   * (an {@code Error} such as an {@code OutOfMemoryError} in a probe ends a fixed-rate schedule
   * silently). What the agent's {@code /healthz} reports.
   */
  boolean isProbing() {
    Thread r = receiver;
    ScheduledFuture<?> s = schedule;
    return r != null && r.isAlive() && s != null && !s.isDone();
  }

  InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  /** The last coordinate each peer sent. */
  Map<String, Coordinate> peerCoordinates() {
    return Map.copyOf(peerCoordinates);
  }

  /** The RTT of the last answered probe to each peer, ms (as measured, before any filter). */
  Map<String, Double> measuredRttMillis() {
    return Map.copyOf(measuredRttMillis);
  }

  private void probeOnce() {
    try {
      long now = System.nanoTime();
      long timeout = config.probeTimeout().toNanos();
      for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
        if (now - it.next().sentNanos > timeout) {
          it.remove();
          metrics.probeTimeouts.increment();
        }
      }
      if (peerNames.isEmpty() || pending.size() >= MAX_PENDING) {
        return;
      }
      String peer;
      synchronized (selector) {
        peer = selector.next(peerNames);
      }
      long seq = sequence.incrementAndGet();
      byte[] ping =
          encode(
              new ProbeMessage(ProbeMessage.Type.PING, seq, config.node(), vivaldi.coordinate()));
      pending.put(seq, new Pending(peer, System.nanoTime()));
      channel.send(ByteBuffer.wrap(ping), peerAddresses.get(peer));
      metrics.probesSent.increment();
    } catch (ClosedChannelException e) {
      // stopping
    } catch (IOException | RuntimeException e) {
      // A failed send is a lost probe; the schedule goes on (a thrown exception would cancel it).
      LOG.log(Level.FINE, "probe failed", e);
    }
  }

  private void receiveLoop() {
    ByteBuffer buffer = ByteBuffer.allocate(ProbeMessage.MAX_SIZE + ProbeSeal.OVERHEAD + 1);
    while (!closed) {
      SocketAddress from;
      try {
        buffer.clear();
        from = channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (closed) {
          return;
        }
        LOG.log(Level.FINE, "receive failed", e);
        continue;
      }
      long received = System.nanoTime();
      try {
        handle(buffer.array(), buffer.position(), from, received);
      } catch (RuntimeException e) {
        // Never let one datagram stop the loop.
        metrics.malformedPackets.increment();
        LOG.log(Level.FINE, "datagram dropped", e);
      }
    }
  }

  private void handle(byte[] data, int length, SocketAddress from, long receivedNanos) {
    ProbeMessage m;
    try {
      m = seal == null ? ProbeMessage.decode(data, 0, length) : seal.open(data, length);
    } catch (ProbeMessage.MalformedProbeException e) {
      metrics.malformedPackets.increment();
      return;
    } catch (ProbeSeal.RefusedException e) {
      (e.refusal == ProbeSeal.Refusal.UNAUTHENTICATED
              ? metrics.unauthenticatedPackets
              : metrics.replayedPackets)
          .increment();
      return;
    }
    InetSocketAddress known = peerAddresses.get(m.sender());
    if (known == null) {
      metrics.unknownSenders.increment();
      return;
    }
    if (!fromPeer(known, from)) {
      metrics.spoofedPackets.increment();
      return;
    }
    if (m.coordinate().dimensions() != vivaldi.client().config().dimensions()) {
      metrics.malformedPackets.increment();
      return;
    }
    if (m.type() == ProbeMessage.Type.PING) {
      if (CoordinateBounds.violation(m.coordinate()) != null) {
        metrics.implausibleCoordinates.increment();
      } else if (vivaldi.plausible(m.sender(), m.coordinate())) {
        peerCoordinates.put(m.sender(), m.coordinate());
      }
      if (!pongBudget.tryTake(receivedNanos)) {
        metrics.pongsRateLimited.increment();
        return;
      }
      byte[] pong =
          encode(
              new ProbeMessage(
                  ProbeMessage.Type.PONG, m.sequence(), config.node(), vivaldi.coordinate()));
      try {
        channel.send(ByteBuffer.wrap(pong), from);
        metrics.pongsSent.increment();
      } catch (IOException e) {
        LOG.log(Level.FINE, "pong failed", e);
      }
      return;
    }
    Pending p = pending.get(m.sequence());
    if (p == null || !p.peer().equals(m.sender()) || !pending.remove(m.sequence(), p)) {
      metrics.unexpectedPongs.increment();
      return;
    }
    double rttMillis = (receivedNanos - p.sentNanos()) / 1e6;
    metrics.probesAnswered.increment();
    measuredRttMillis.put(m.sender(), rttMillis);
    synchronized (selector) {
      selector.observe(m.sender(), rttMillis);
    }
    try {
      switch (vivaldi.update(m.sender(), m.coordinate(), rttMillis)) {
        case ACCEPTED -> peerCoordinates.put(m.sender(), m.coordinate());
        case CONTRADICTED -> metrics.contradictedSamples.increment();
        case NOW_DISTRUSTED -> {
          metrics.contradictedSamples.increment();
          LOG.log(
              Level.WARNING,
              "peer {0} distrusted for a while: its coordinates keep contradicting the measured RTT",
              m.sender());
        }
        case DISTRUSTED -> metrics.distrustedSamples.increment();
      }
    } catch (InvalidSampleException e) {
      if (e.reason() == InvalidSampleException.Reason.COORDINATE_IMPLAUSIBLE) {
        metrics.implausibleCoordinates.increment();
      } else {
        metrics.rejectedSamples.increment();
      }
    }
  }

  private byte[] encode(ProbeMessage m) {
    return seal == null ? m.encode() : seal.seal(m);
  }

  /**
   * Whether a datagram from {@code from} may speak for the peer configured at {@code known}: same
   * IP address. The port is not compared, so relays and NAT keep working; the cluster keys are the
   * real authentication.
   */
  static boolean fromPeer(InetSocketAddress known, SocketAddress from) {
    return from instanceof InetSocketAddress f
        && known.getAddress() != null
        && known.getAddress().equals(f.getAddress());
  }

  @Override
  public void close() {
    closed = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.log(Level.FINE, "close failed", e);
      }
    }
    // Wait for both platform threads, so that a host stopping many agents (brume up) releases
    // every thread by the time stop returns.
    try {
      if (scheduler != null) {
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
      }
      if (receiver != null) {
        receiver.join(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
