package io.brume.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * brume's user-space proxy for one service: accepts connections on {@link ProxyConfig#listen()} and
 * forwards them (L4) or each HTTP request on them (L7) to an endpoint chosen by the config's {@link
 * EndpointChooser}. One virtual thread per client connection, blocking I/O.
 *
 * <p>Lifecycle: construct, {@link #start()}, then {@link #updateEndpoints} as replicas come and go,
 * and {@link #close()} to stop listening and drop every connection. Instances are thread-safe.
 */
public final class ProxyServer implements AutoCloseable {
  private final ProxyConfig config;
  private final UpstreamSet upstreams;
  private final HealthChecker healthChecker;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

  /**
   * Virtual threads by default; {@code -Dbrume.proxy.threads=platform} runs each connection on a
   * platform thread instead, to compare the two in bench/proxy (docs/bench/proxy.md).
   */
  private final Thread.Builder connectionThreads =
      "platform".equals(System.getProperty("brume.proxy.threads"))
          ? Thread.ofPlatform().daemon(true).name("brume-proxy-connection")
          : Thread.ofVirtual().name("brume-proxy-connection");

  private ReadDeadlines deadlines;
  private ServerSocket serverSocket;
  private Thread acceptLoop;
  private volatile boolean closed;

  public ProxyServer(ProxyConfig config) {
    this.config = config;
    this.upstreams =
        new UpstreamSet(config.endpoints(), config.chooser(), config.ejectAfterFailures());
    this.healthChecker = new HealthChecker(upstreams, config.healthCheck());
  }

  /**
   * Binds the listen address and starts accepting.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  public synchronized ProxyServer start() throws IOException {
    if (serverSocket != null) {
      throw new IllegalStateException("proxy on " + config.listen() + " already started");
    }
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(config.listen(), 1024);
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
    serverSocket = socket;
    deadlines = new ReadDeadlines(shortestTimeout(config));
    healthChecker.start();
    acceptLoop = Thread.ofVirtual().name("brume-proxy-accept").start(this::acceptConnections);
    return this;
  }

  /** The bound address (with the actual port when the config asked for port 0). */
  public synchronized InetSocketAddress address() {
    if (serverSocket == null) {
      throw new IllegalStateException("proxy not started");
    }
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /**
   * Replaces the service's endpoints. Removed endpoints drain: they get no new requests and leave
   * once their requests in flight (L7) or connections (L4) are finished.
   */
  public void updateEndpoints(List<Endpoint> endpoints) {
    upstreams.update(List.copyOf(endpoints));
  }

  /** Current status of each endpoint, draining ones included, in endpoint order. */
  public Map<Endpoint, EndpointStatus> endpointStatuses() {
    return upstreams.statuses();
  }

  public ProxyConfig config() {
    return config;
  }

  private void acceptConnections() {
    while (!closed) {
      Socket client;
      try {
        client = serverSocket.accept();
      } catch (SocketException e) {
        return; // closed by close()
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue; // e.g. the client reset before accept: keep serving the others
      }
      clients.add(client);
      Runnable handler =
          config.protocol() == ProxyConfig.Protocol.HTTP
              ? new HttpConnectionHandler(config, upstreams, deadlines, client)
              : new TcpConnectionHandler(config, upstreams, client);
      connectionThreads.start(
          () -> {
            try {
              handler.run();
            } finally {
              clients.remove(client);
            }
          });
    }
  }

  /** Stops accepting, closes every client connection and pooled upstream connection. */
  @Override
  public void close() {
    closed = true;
    healthChecker.close();
    synchronized (this) {
      if (serverSocket != null) {
        try {
          serverSocket.close();
        } catch (IOException e) {
          throw new UncheckedIOException("closing proxy listener " + config.listen(), e);
        }
      }
    }
    for (Socket client : clients) {
      try {
        client.close();
      } catch (IOException e) {
        // Closing anyway.
      }
    }
    upstreams.closeAll();
    if (acceptLoop != null) {
      try {
        acceptLoop.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (deadlines != null) {
        deadlines.close();
      }
    }
  }

  private static Duration shortestTimeout(ProxyConfig config) {
    Duration response = config.responseTimeout();
    Duration idle = config.clientIdleTimeout();
    return response.compareTo(idle) < 0 ? response : idle;
  }
}
