package io.brume.emulation;

import io.brume.registry.TokenBucket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP path with a wide-area delay: it accepts connections on its own loopback port, connects each
 * to the target, and copies bytes both ways, delivering every chunk read one-way-delay later (so a
 * request/response exchange takes one emulated RTT on top of the real work). Connection set-up is
 * not delayed: the demo's clients and the pulls keep connections alive, so only request and
 * response bytes matter.
 *
 * <p>Bandwidth is optional ({@link Bandwidth}): a chunk that was read waits until every bucket of
 * its direction allowed its bytes, and only then starts its one-way delay, like a packet that is
 * first serialised onto the link and then propagates. Paying after the read (rather than reserving
 * allowance before it) keeps an idle keep-alive connection from holding a shared link's allowance;
 * while a chunk waits nothing more is read, so the sender is held back by TCP flow control.
 *
 * <p>Each direction is a reader thread that timestamps chunks into a queue and a writer thread that
 * sends each chunk at its deadline; a fixed delay keeps the deadlines in order. End of stream is
 * delayed like data and forwarded as a half-close.
 */
final class TcpDelayRelay implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;
  private static final byte[] END = new byte[0];

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Duration oneWayDelay;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final LagMeter lag;
  private final Bandwidth bandwidth;

  /**
   * Binds a loopback port and starts accepting on a thread of {@code threads}.
   *
   * @param target where connections go
   * @param oneWayDelay the delay added in each direction
   * @param threads where the accept loop and the copy loops run; they end when the relay closes
   * @param lag where the relay records how late it delivers
   */
  TcpDelayRelay(
      InetSocketAddress target, Duration oneWayDelay, ExecutorService threads, LagMeter lag) {
    this(target, oneWayDelay, Bandwidth.UNLIMITED, threads, lag);
  }

  /**
   * As {@link #TcpDelayRelay(InetSocketAddress, Duration, ExecutorService, LagMeter)}, with the
   * rate limits of {@code bandwidth}.
   */
  TcpDelayRelay(
      InetSocketAddress target,
      Duration oneWayDelay,
      Bandwidth bandwidth,
      ExecutorService threads,
      LagMeter lag) {
    this.bandwidth = bandwidth;
    this.target = target;
    this.lag = lag;
    this.oneWayDelay = oneWayDelay;
    this.threads = threads;
    try {
      this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a TCP relay to " + target, e);
    }
    threads.execute(this::acceptLoop);
  }

  /** The address clients connect to. */
  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** The delay added in each direction. */
  Duration oneWayDelay() {
    return oneWayDelay;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 5_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue; // the target is down: the client sees its connection closed
      }
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        // Nagle only adds latency; the connection still works.
      }
      open.add(client);
      open.add(upstream);
      pipe(client, upstream, bandwidth.toTarget());
      pipe(upstream, client, bandwidth.toClient());
    }
  }

  private void pipe(Socket from, Socket to, List<TokenBucket> links) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    threads.execute(() -> read(from, to, queue, links));
    threads.execute(() -> write(to, from, queue));
  }

  private void read(Socket from, Socket to, BlockingQueue<Chunk> queue, List<TokenBucket> links) {
    byte[] buffer = new byte[CHUNK];
    try {
      InputStream in = from.getInputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        for (int unpaid = n; unpaid > 0; ) {
          unpaid -= Bandwidth.acquire(links, unpaid);
        }
        queue.add(new Chunk(Delays.deadline(oneWayDelay), java.util.Arrays.copyOf(buffer, n)));
      }
      queue.add(new Chunk(Delays.deadline(oneWayDelay), END));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release(from, to);
      queue.add(new Chunk(System.nanoTime(), END));
    } catch (IOException e) {
      // Reset or closed: stop both ends now rather than after the delay, and wake the writer.
      release(from, to);
      queue.add(new Chunk(System.nanoTime(), END));
    }
  }

  private void write(Socket to, Socket from, BlockingQueue<Chunk> queue) {
    try {
      OutputStream out = to.getOutputStream();
      while (true) {
        Chunk chunk = queue.take();
        Delays.sleepUntil(chunk.deadlineNanos);
        lag.record(System.nanoTime() - chunk.deadlineNanos);
        if (chunk.bytes == END) {
          to.shutdownOutput();
          if (from.isOutputShutdown()) {
            release(from, to);
          }
          return;
        }
        out.write(chunk.bytes);
        out.flush();
      }
    } catch (IOException e) {
      release(from, to);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      release(from, to);
    }
  }

  private void release(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
    open.remove(a);
    open.remove(b);
  }

  /** Stops accepting and closes every relayed connection. */
  @Override
  public void close() {
    closeQuietly(server);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing on shutdown or after a failure: nothing useful to do with a second failure.
    }
  }

  private record Chunk(long deadlineNanos, byte[] bytes) {}
}
