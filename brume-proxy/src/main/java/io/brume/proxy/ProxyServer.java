package io.brume.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * brume's user-space proxy for one service: accepts connections on {@link ProxyConfig#listen()} and
 * forwards them (L4) or each HTTP request on them (L7) to an endpoint chosen by the config's {@link
 * EndpointChooser}. For HTTP, by default, one {@link EventLoop} thread serves every connection;
 * otherwise ({@link ProxyConfig.DataPlane#THREADS}, and always for TCP) one virtual thread per
 * client connection, blocking I/O.
 *
 * <p>Limits: at most {@link ProxyConfig#maxConnections()} client connections at once (beyond them
 * the proxy stops accepting, and new connections wait in the kernel's listen backlog, as HAProxy's
 * {@code maxconn} does); a request head must arrive within {@link
 * ProxyConfig#requestHeaderTimeout()}; when {@code accept} fails (e.g. at the file-descriptor
 * limit) the accept loop backs off from 10 ms to 1 s and logs once, instead of spinning.
 *
 * <p>Lifecycle: construct, {@link #start()}, then {@link #updateEndpoints} as replicas come and go,
 * and {@link #close()} to stop listening and drop every connection. Instances are thread-safe.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Duration MIN_ACCEPT_BACKOFF = Duration.ofMillis(10);
  private static final Duration MAX_ACCEPT_BACKOFF = Duration.ofSeconds(1);

  private final ProxyConfig config;
  private final UpstreamSet upstreams;
  private final HealthChecker healthChecker;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final Semaphore connectionSlots;
  private boolean loggedAcceptFailure;
  private boolean loggedFull;

  /**
   * Virtual threads by default; {@code -Dbrume.proxy.threads=platform} runs each connection on a
   * platform thread instead, to compare the two in bench/proxy (docs/bench/proxy.md).
   */
  private final Thread.Builder connectionThreads =
      "platform".equals(System.getProperty("brume.proxy.threads"))
          ? Thread.ofPlatform().daemon(true).name("brume-proxy-connection")
          : Thread.ofVirtual().name("brume-proxy-connection");

  /**
   * The L7 data plane ({@link ProxyConfig#dataPlane()}): one selector thread ({@link EventLoop})
   * serving every HTTP connection, handing the unusual ones over to connection threads; or every
   * connection on its own thread.
   */
  private final boolean eventLoopMode;

  private @Nullable EventLoop eventLoop;
  private @Nullable ReadDeadlines deadlines;
  private @Nullable ServerSocket serverSocket;
  private @Nullable Thread acceptLoop;
  private volatile boolean closed;

  public ProxyServer(ProxyConfig config) {
    this.config = config;
    this.upstreams =
        new UpstreamSet(config.endpoints(), config.chooser(), config.ejectAfterFailures());
    this.healthChecker = new HealthChecker(upstreams, config.healthCheck());
    this.connectionSlots = new Semaphore(config.maxConnections());
    this.eventLoopMode =
        config.protocol() == ProxyConfig.Protocol.HTTP
            && config.dataPlane() == ProxyConfig.DataPlane.EVENT_LOOP;
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
    // An event loop needs the accepted connections' channels, which only a channel's socket gives.
    ServerSocket socket = eventLoopMode ? ServerSocketChannel.open().socket() : new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(config.listen(), 1024);
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
    serverSocket = socket;
    deadlines = new ReadDeadlines(shortestTimeout(config));
    if (eventLoopMode) {
      eventLoop = new EventLoop(config, upstreams, deadlines, connectionThreads::start);
    }
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
    Duration backoff = MIN_ACCEPT_BACKOFF;
    while (!closed) {
      try {
        awaitConnectionSlot();
      } catch (InterruptedException e) {
        return; // close()
      }
      Socket client;
      try {
        client = serverSocket().accept();
      } catch (IOException e) {
        connectionSlots.release();
        if (closed || serverSocket().isClosed()) {
          return;
        }
        // A client that reset before accept costs nothing; running out of file descriptors
        // (EMFILE) fails every accept at once: back off so the loop does not spin.
        logAcceptFailureOnce(e);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_ACCEPT_BACKOFF) > 0
                ? MAX_ACCEPT_BACKOFF
                : backoff.multipliedBy(2);
        continue;
      }
      backoff = MIN_ACCEPT_BACKOFF;
      clients.add(client);
      if (closed) {
        // close() may have closed the clients it saw before this one was added: close it here.
        clients.remove(client);
        closeQuietly(client);
        connectionSlots.release();
        return;
      }
      if (eventLoop != null) {
        eventLoop.add(
            Objects.requireNonNull(client.getChannel()),
            () -> {
              clients.remove(client);
              connectionSlots.release();
            });
        continue;
      }
      Runnable handler =
          config.protocol() == ProxyConfig.Protocol.HTTP
              ? new HttpConnectionHandler(
                  config, upstreams, Objects.requireNonNull(deadlines), client)
              : new TcpConnectionHandler(config, upstreams, client);
      try {
        connectionThreads.start(
            () -> {
              try {
                handler.run();
              } finally {
                clients.remove(client);
                connectionSlots.release();
              }
            });
      } catch (RuntimeException | Error e) {
        clients.remove(client);
        connectionSlots.release();
        closeQuietly(client);
        throw e;
      }
    }
  }

  /** Waits for a free connection slot, logging (once) when the cap is first reached. */
  private void awaitConnectionSlot() throws InterruptedException {
    if (connectionSlots.tryAcquire()) {
      return;
    }
    if (!loggedFull) {
      loggedFull = true;
      System.err.println(
          "brume proxy on "
              + serverSocket().getLocalSocketAddress()
              + ": "
              + config.maxConnections()
              + " client connections open (maxConnections); new ones wait in the listen backlog"
              + " until one closes (logged once)");
    }
    connectionSlots.acquire();
  }

  private void logAcceptFailureOnce(IOException e) {
    if (!loggedAcceptFailure) {
      loggedAcceptFailure = true;
      // Straight to stderr (as the other line above), not through System.Logger: out of file
      // descriptors, java.util.logging's first formatted line opens lib/tzdb.dat, fails, and the
      // Error would end the accept loop.
      System.err.println(
          "brume proxy on "
              + serverSocket().getLocalSocketAddress()
              + ": accepting a connection failed ("
              + e.getMessage()
              + "); retrying with a back-off of up to "
              + MAX_ACCEPT_BACKOFF.toMillis()
              + " ms (logged once)");
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing anyway.
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
      closeQuietly(client);
    }
    if (eventLoop != null) {
      eventLoop.close();
    }
    upstreams.closeAll();
    if (acceptLoop != null) {
      acceptLoop.interrupt(); // it may be waiting for a connection slot
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
    Duration shortest = config.responseTimeout();
    for (Duration d : new Duration[] {config.clientIdleTimeout(), config.requestHeaderTimeout()}) {
      shortest = d.compareTo(shortest) < 0 ? d : shortest;
    }
    return shortest;
  }

  /** The serverSocket accepting clients; set once started. */
  private ServerSocket serverSocket() {
    return Objects.requireNonNull(serverSocket, "not started");
  }
}
