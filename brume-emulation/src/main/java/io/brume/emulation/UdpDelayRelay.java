package io.brume.emulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulated link between two nodes for datagrams, both ways: one loopback socket that both nodes
 * use as the other's address. A datagram from node a is held for the link's one-way delay and then
 * sent, from this socket, to node b, and one from b to a; anyone else's is dropped and counted.
 *
 * <p>Because both directions leave from the same socket, a node answering the source address of
 * what it received (the production agent's prober answers pings so) answers through the link, and
 * every datagram a node gets from its peer comes from the address it has configured for that peer.
 *
 * <p>Lifecycle: construct (binds the socket), {@link #connect} the two nodes (starts the loops),
 * {@link #close}.
 */
final class UdpDelayRelay implements AutoCloseable {
  private static final int MAX_DATAGRAM = 65_507;

  private final DatagramSocket socket;
  private final Duration oneWay;
  private final LagMeter lag;
  private final DelayQueue<Held> held = new DelayQueue<>();
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile SocketAddress a;
  private volatile SocketAddress b;

  /**
   * Binds a loopback port; nothing is relayed before {@link #connect}.
   *
   * @param oneWay the delay of each direction (half the pair's RTT)
   * @param lag where the relay records how late it delivers
   */
  UdpDelayRelay(Duration oneWay, LagMeter lag) {
    this.oneWay = Objects.requireNonNull(oneWay, "oneWay");
    this.lag = lag;
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a UDP relay", e);
    }
  }

  /** The address both nodes send to: each node's address for the other. */
  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /**
   * Starts relaying between the sockets {@code a} and {@code b} on two threads of {@code threads};
   * they end when the relay closes.
   */
  void connect(SocketAddress a, SocketAddress b, ExecutorService threads) {
    this.a = Objects.requireNonNull(a, "a");
    this.b = Objects.requireNonNull(b, "b");
    threads.execute(this::receiveLoop);
    threads.execute(this::sendLoop);
  }

  /** Datagrams delivered so far, both directions. */
  long forwarded() {
    return forwarded.get();
  }

  /** Datagrams dropped because they came from neither node. */
  long dropped() {
    return dropped.get();
  }

  private void receiveLoop() {
    byte[] buffer = new byte[MAX_DATAGRAM];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        return; // closed
      }
      SocketAddress from = packet.getSocketAddress();
      SocketAddress to = from.equals(a) ? b : from.equals(b) ? a : null;
      if (to == null) {
        dropped.incrementAndGet();
        continue;
      }
      byte[] payload = Arrays.copyOf(packet.getData(), packet.getLength());
      held.put(new Held(Delays.deadline(oneWay), payload, to));
    }
  }

  private void sendLoop() {
    try {
      while (!socket.isClosed()) {
        Held next = held.take();
        lag.record(System.nanoTime() - next.deadlineNanos);
        socket.send(new DatagramPacket(next.payload, next.payload.length, next.to));
        forwarded.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // closed while sending: the relay is shutting down
    }
  }

  @Override
  public void close() {
    socket.close();
  }

  /** A datagram waiting for its delivery time. */
  private record Held(long deadlineNanos, byte[] payload, SocketAddress to) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(deadlineNanos, ((Held) other).deadlineNanos);
    }
  }
}
