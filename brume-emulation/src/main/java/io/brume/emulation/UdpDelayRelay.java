package io.brume.emulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inbound "link" of one emulated node for datagrams: it listens on its own loopback port, holds
 * each datagram for the one-way delay of the sender's path and then forwards it, from its own
 * socket, to the node's real socket.
 *
 * <p>The sender is recognised by its source address, so senders must be registered ({@code
 * delayBySender}); datagrams from anyone else are dropped and counted. Because the relay forwards
 * from its own socket, the receiver cannot answer the source address: protocols name the sender in
 * the payload (the probes do).
 */
final class UdpDelayRelay implements AutoCloseable {
  private static final int MAX_DATAGRAM = 65_507;

  private final DatagramSocket socket;
  private final SocketAddress target;
  private final Map<SocketAddress, Duration> delayBySender;
  private final DelayQueue<Held> held = new DelayQueue<>();
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final LagMeter lag;

  /**
   * Binds a loopback port and starts relaying on two threads of {@code threads}.
   *
   * @param target the receiving node's real socket
   * @param delayBySender one-way delay per sender socket address
   * @param threads where the relay's receive and send loops run; they end when the relay closes
   * @param lag where the relay records how late it delivers
   */
  UdpDelayRelay(
      SocketAddress target,
      Map<SocketAddress, Duration> delayBySender,
      ExecutorService threads,
      LagMeter lag) {
    this.target = target;
    this.lag = lag;
    this.delayBySender = Map.copyOf(delayBySender);
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a UDP relay for " + target, e);
    }
    threads.execute(this::receiveLoop);
    threads.execute(this::sendLoop);
  }

  /** The address senders send to. */
  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Datagrams delivered to the target so far. */
  long forwarded() {
    return forwarded.get();
  }

  /** Datagrams dropped because their sender was not registered. */
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
      Duration delay = delayBySender.get(packet.getSocketAddress());
      if (delay == null) {
        dropped.incrementAndGet();
        continue;
      }
      byte[] payload = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
      held.put(new Held(Delays.deadline(delay), payload));
    }
  }

  private void sendLoop() {
    try {
      while (!socket.isClosed()) {
        Held next = held.take();
        lag.record(System.nanoTime() - next.deadlineNanos);
        socket.send(new DatagramPacket(next.payload, next.payload.length, target));
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
  private record Held(long deadlineNanos, byte[] payload) implements Delayed {
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
