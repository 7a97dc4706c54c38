package io.brume.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A user-space stand-in for netem on one directed link i → j: datagrams from i are forwarded to j
 * after half the link's RTT, and j's answers (sent back to this relay's address) go to i after the
 * other half. Loopback only.
 */
final class UdpDelayRelay implements AutoCloseable {
  private final DatagramChannel channel;
  private final ScheduledExecutorService timer;
  private final long oneWayNanos;
  private final Thread loop;
  private volatile InetSocketAddress target;
  private volatile SocketAddress origin;

  UdpDelayRelay(double rttMillis, ScheduledExecutorService timer) throws IOException {
    this.channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    this.timer = timer;
    this.oneWayNanos = Math.round(rttMillis * 1e6 / 2);
    this.loop = Thread.ofPlatform().daemon().name("relay").start(this::run);
  }

  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  void target(InetSocketAddress target) {
    this.target = target;
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocate(65536);
    while (channel.isOpen()) {
      try {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        InetSocketAddress t = target;
        if (t == null) {
          continue;
        }
        buffer.flip();
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
        SocketAddress to;
        if (from.equals(t)) {
          to = origin;
        } else {
          origin = from;
          to = t;
        }
        if (to != null) {
          timer.schedule(() -> send(copy, to), oneWayNanos, TimeUnit.NANOSECONDS);
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private void send(ByteBuffer data, SocketAddress to) {
    try {
      channel.send(data, to);
    } catch (IOException e) {
      // closed while a datagram was in flight: it is lost, as on a real link
    }
  }

  static ScheduledExecutorService newTimer() {
    return Executors.newScheduledThreadPool(
        1, Thread.ofPlatform().daemon().name("relay-timer").factory());
  }

  @Override
  public void close() throws IOException {
    channel.close();
    try {
      loop.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
