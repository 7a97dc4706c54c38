package io.brume.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves one client connection of the L4 proxy: chooses an endpoint once, connects (trying other
 * endpoints when the connection is refused) and copies bytes both ways until both sides are done.
 * Nothing was sent yet when a connect fails, so retrying is always safe at L4.
 */
final class TcpConnectionHandler implements Runnable {
  private final ProxyConfig config;
  private final UpstreamSet upstreams;
  private final Socket client;

  TcpConnectionHandler(ProxyConfig config, UpstreamSet upstreams, Socket client) {
    this.config = config;
    this.upstreams = upstreams;
    this.client = client;
  }

  @Override
  public void run() {
    try (Socket downstream = client) {
      downstream.setTcpNoDelay(true);
      List<Upstream> tried = new ArrayList<>(4);
      for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
        Upstream upstream = upstreams.choose(tried);
        if (upstream == null) {
          return;
        }
        tried.add(upstream);
        if (serveVia(upstream, downstream)) {
          return;
        }
      }
    } catch (IOException e) {
      // The client went away before or while connecting: nothing to clean up but the socket.
    }
  }

  /** Returns false when the endpoint could not be reached, so another one may be tried. */
  private boolean serveVia(Upstream upstream, Socket downstream) {
    upstreams.started(upstream);
    long start = System.nanoTime();
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(upstream.endpoint().socketAddress(), (int) config.connectTimeout().toMillis());
    } catch (IOException e) {
      closeQuietly(socket);
      upstreams.finished(upstream, System.nanoTime() - start, false);
      return false;
    }
    long connectNanos = System.nanoTime() - start;
    try (socket) {
      Thread upstreamToClient = Thread.ofVirtual().start(() -> pipe(socket, downstream));
      pipe(downstream, socket);
      upstreamToClient.join();
    } catch (IOException e) {
      // Closing the upstream socket failed; the connection is over either way.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      upstreams.finished(upstream, connectNanos, true);
    }
    return true;
  }

  /** Copies until end of stream, then half-closes so the other direction can finish. */
  private static void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // A reset on one side ends both directions.
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already failing; nothing more to do.
    }
  }
}
