package io.brume.emulation;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.InvalidSampleException;
import io.brume.coordinate.VivaldiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One emulated fog node's coordinate agent: it pings a random peer every probe interval over UDP
 * (through the peer's {@link UdpDelayRelay}), answers pings, and feeds each measured RTT into its
 * own {@link VivaldiClient}, as a {@code brume agent} does on a real node.
 *
 * <p>Lifecycle: construct (binds the socket), {@link #connect} the peers' relay addresses, {@link
 * #start} the loops, {@link #close}.
 */
final class EmulatedNode implements AutoCloseable {
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final DatagramSocket socket;
  private final VivaldiClient vivaldi;
  private final RandomGenerator random;
  private final Duration probeInterval;
  private final Map<String, InetSocketAddress> peerRelays = new ConcurrentHashMap<>();
  private final Map<String, Coordinate> peerCoordinates = new ConcurrentHashMap<>();
  private final Map<String, Double> measuredRttMillis = new ConcurrentHashMap<>();
  private final Map<Long, Ping> pending = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong rejectedSamples = new AtomicLong();
  private volatile boolean running = true;

  EmulatedNode(String name, Duration probeInterval, long seed) {
    this.name = name;
    this.probeInterval = probeInterval;
    this.random = new SplittableRandom(seed);
    this.vivaldi = CoordinateMath.newClient(new SplittableRandom(~seed));
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the probe socket of node " + name, e);
    }
  }

  String name() {
    return name;
  }

  /** The node's real probe socket (its relay delivers here). */
  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Sets where each peer's probes must be sent: the peer's inbound relay. */
  void connect(Map<String, InetSocketAddress> relays) {
    peerRelays.putAll(relays);
    peerRelays.remove(name);
  }

  /** Starts the probe and receive loops on {@code threads}. */
  void start(ExecutorService threads) {
    threads.execute(this::receiveLoop);
    threads.execute(this::probeLoop);
  }

  Coordinate coordinate() {
    return vivaldi.coordinate();
  }

  /** The latest coordinate this node heard from {@code peer}, if any. */
  @Nullable Coordinate peerCoordinate(String peer) {
    return peer.equals(name) ? coordinate() : peerCoordinates.get(peer);
  }

  /** RTT to {@code peer} predicted by the coordinates this node knows, ms; NaN if none yet. */
  double estimateRttMillis(String peer) {
    Coordinate other = peerCoordinate(peer);
    return other == null ? Double.NaN : CoordinateMath.estimateRttMillis(coordinate(), other);
  }

  /** Latest measured RTT per peer, ms. */
  Map<String, Double> measuredRttMillis() {
    return Map.copyOf(measuredRttMillis);
  }

  /** Peers this node knows a coordinate of. */
  List<String> knownPeers() {
    return new ArrayList<>(peerCoordinates.keySet());
  }

  long rejectedSamples() {
    return rejectedSamples.get();
  }

  private void probeLoop() {
    List<String> peers = peerRelays.keySet().stream().sorted().toList();
    try {
      while (running && !peers.isEmpty()) {
        // ±25 % jitter keeps the nodes from probing in lock-step.
        long nanos = probeInterval.toNanos();
        Thread.sleep(Duration.ofNanos(nanos * 3 / 4 + random.nextLong(nanos / 2 + 1)));
        String peer = peers.get(random.nextInt(peers.size()));
        long seq = sequence.incrementAndGet();
        pending.put(seq, new Ping(peer, System.nanoTime()));
        send(
            new ProbeMessage(false, seq, name, coordinate()),
            Objects.requireNonNull(peerRelays.get(peer)));
        forgetLostPings();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forgetLostPings() {
    long oldest = System.nanoTime() - PING_TIMEOUT.toNanos();
    pending.values().removeIf(ping -> ping.sentNanos < oldest);
  }

  private void receiveLoop() {
    byte[] buffer = new byte[1500];
    while (running) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        return; // closed
      }
      long now = System.nanoTime();
      ProbeMessage message;
      try {
        message = ProbeMessage.decode(packet.getData(), packet.getLength());
      } catch (IllegalArgumentException e) {
        continue; // not ours: a stray datagram on loopback
      }
      if (message.pong()) {
        pong(message, now);
      } else {
        peerCoordinates.put(message.sender(), message.coordinate());
        InetSocketAddress back = peerRelays.get(message.sender());
        if (back != null) {
          send(new ProbeMessage(true, message.sequence(), name, coordinate()), back);
        }
      }
    }
  }

  private void pong(ProbeMessage message, long receivedNanos) {
    Ping ping = pending.remove(message.sequence());
    if (ping == null || !ping.peer.equals(message.sender())) {
      return; // late (timed out) or not the peer we pinged
    }
    long rttNanos = receivedNanos - ping.sentNanos;
    peerCoordinates.put(message.sender(), message.coordinate());
    measuredRttMillis.put(message.sender(), rttNanos / 1e6);
    try {
      vivaldi.update(message.sender(), message.coordinate(), Duration.ofNanos(rttNanos));
    } catch (InvalidSampleException e) {
      rejectedSamples.incrementAndGet(); // counted by the client too; the sample is just dropped
    }
  }

  private void send(ProbeMessage message, InetSocketAddress to) {
    byte[] bytes = message.encode();
    try {
      socket.send(new DatagramPacket(bytes, bytes.length, to));
    } catch (IOException e) {
      // A lost probe is normal on a network; the next one will do.
    }
  }

  @Override
  public void close() {
    running = false;
    socket.close();
  }

  private record Ping(String peer, long sentNanos) {}
}
