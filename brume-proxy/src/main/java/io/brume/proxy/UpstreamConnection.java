package io.brume.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** One pooled keep-alive connection to an endpoint. */
final class UpstreamConnection implements AutoCloseable {
  private final Socket socket;
  private final HttpInput in;
  private final HttpOutput out;
  private boolean reused;
  private long idleSinceNanos;

  private UpstreamConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new HttpInput(socket.getInputStream(), false);
    this.out = new HttpOutput(socket.getOutputStream(), false);
  }

  static UpstreamConnection open(
      InetSocketAddress address, Duration connectTimeout, Duration readTimeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, (int) connectTimeout.toMillis());
      socket.setSoTimeout((int) readTimeout.toMillis());
      return new UpstreamConnection(socket);
    } catch (IOException e) {
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
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket we no longer need: nothing left to do if it fails.
    }
  }
}
