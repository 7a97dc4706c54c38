package io.brume.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** One pooled keep-alive connection to an endpoint. */
final class UpstreamConnection implements AutoCloseable {
  private final Socket socket;
  private final ReadDeadlines.Deadline deadline;
  private final HttpInput in;
  private final HttpOutput out;
  private boolean reused;
  private long idleSinceNanos;

  private UpstreamConnection(Socket socket, ReadDeadlines.Deadline deadline) throws IOException {
    this.socket = socket;
    this.deadline = deadline;
    this.in = new HttpInput(socket.getInputStream(), false, deadline);
    this.out = new HttpOutput(socket.getOutputStream(), false);
  }

  /**
   * Connects to {@code address}.
   *
   * @param readTimeout longest wait of one read, enforced by {@code deadlines}
   */
  static UpstreamConnection open(
      InetSocketAddress address,
      Duration connectTimeout,
      ReadDeadlines deadlines,
      Duration readTimeout)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, (int) connectTimeout.toMillis());
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    ReadDeadlines.Deadline deadline = deadlines.watch(socket, readTimeout);
    try {
      return new UpstreamConnection(socket, deadline);
    } catch (IOException e) {
      deadline.close();
      socket.close();
      throw e;
    }
  }

  HttpInput in() {
    return in;
  }

  HttpOutput out() {
    return out;
  }

  /**
   * True when this connection already carried a request, so it may have been closed by the peer.
   */
  boolean reused() {
    return reused;
  }

  void markIdle(long nowNanos) {
    reused = true;
    idleSinceNanos = nowNanos;
  }

  long idleSinceNanos() {
    return idleSinceNanos;
  }

  /** A pooled connection with unread bytes is out of sync and must not be used again. */
  boolean canBeReused() {
    return !socket.isClosed() && !in.hasBuffered();
  }

  @Override
  public void close() {
    deadline.close();
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket we no longer need: nothing left to do if it fails.
    }
  }
}
