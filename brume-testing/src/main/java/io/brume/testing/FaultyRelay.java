package io.brume.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP relay in front of a server (usually a {@link LocalRegistry}) that injects faults
 * into HTTP/1.1 responses: cut the connection after N bytes of a response body, or flip one body
 * byte. A fault is armed for the next request whose bytes contain a marker (e.g. a blob digest) and
 * applies to that request's response only; all other traffic passes untouched.
 *
 * <p>It relies on clients not pipelining requests on a connection, which holds for {@code
 * java.net.http} and Go clients.
 */
public final class FaultyRelay implements AutoCloseable {

  /** What to do with a matching response. */
  private record Fault(String marker, long bodyOffset, boolean cut) {}

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Fault> pending = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger faultsApplied = new AtomicInteger();

  private FaultyRelay(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::acceptLoop);
  }

  /** Starts relaying a loopback port to {@code upstream}. */
  public static FaultyRelay start(InetSocketAddress upstream) throws IOException {
    return new FaultyRelay(upstream);
  }

  /** Starts relaying to a local registry. */
  public static FaultyRelay in(LocalRegistry registry) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), registry.port()));
  }

  /** The relay's port. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code 127.0.0.1:PORT}, for image references through the relay. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI url() {
    return URI.create("http://" + hostPort());
  }

  /**
   * Closes the connection after {@code bodyBytes} bytes of the response to the next request
   * containing {@code marker}. Call several times to cut several responses.
   */
  public FaultyRelay cutResponseAfter(String marker, long bodyBytes) {
    pending.add(new Fault(marker, bodyBytes, true));
    return this;
  }

  /** Flips all bits of body byte {@code bodyOffset} of the next response to {@code marker}. */
  public FaultyRelay corruptResponseByte(String marker, long bodyOffset) {
    pending.add(new Fault(marker, bodyOffset, false));
    return this;
  }

  /** Client connections accepted so far. */
  public int connectionCount() {
    return connections.get();
  }

  /** Faults that have been applied to responses so far. */
  public int faultsApplied() {
    return faultsApplied.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        threads.submit(() -> relay(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    try (client;
        Socket target = new Socket(upstream.getAddress(), upstream.getPort())) {
      sockets.add(client);
      sockets.add(target);
      AtomicReference<Fault> armed = new AtomicReference<>();
      threads.submit(() -> forwardRequests(client, target, armed));
      forwardResponses(target, client, armed);
    } catch (IOException e) {
      // A peer went away; that ends this connection and is no error of the relay.
    } finally {
      sockets.remove(client);
    }
  }

  // Client → server: watch for the markers of pending faults, arm before forwarding the request.
  private void forwardRequests(Socket client, Socket target, AtomicReference<Fault> armed) {
    byte[] buffer = new byte[16 * 1024];
    String carry = "";
    try (InputStream in = client.getInputStream();
        OutputStream out = target.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        String window = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        matchingFault(window).ifPresent(armed::set);
        carry = window.substring(Math.max(0, window.length() - 512));
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // Connection closed by either side.
    } finally {
      closeQuietly(target);
    }
  }

  private Optional<Fault> matchingFault(String window) {
    for (Fault fault : pending) {
      if (window.contains(fault.marker()) && pending.remove(fault)) {
        return Optional.of(fault);
      }
    }
    return Optional.empty();
  }

  // Server → client: once a fault is armed, find the end of the response headers, then count body
  // bytes and cut or corrupt at the fault's offset.
  private void forwardResponses(Socket target, Socket client, AtomicReference<Fault> armed)
      throws IOException {
    byte[] buffer = new byte[16 * 1024];
    InputStream in = target.getInputStream();
    OutputStream out = client.getOutputStream();
    Fault active = null;
    int headerMatch = 0; // progress through "\r\n\r\n"
    long bodySeen = -1; // -1 while still in the headers of the faulted response
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (active == null) {
        active = armed.getAndSet(null);
        headerMatch = 0;
        bodySeen = -1;
      }
      if (active == null) {
        out.write(buffer, 0, n);
        out.flush();
        continue;
      }
      for (int i = 0; i < n; i++) {
        if (bodySeen < 0) {
          headerMatch = nextHeaderMatch(headerMatch, buffer[i]);
          if (headerMatch == 4) {
            bodySeen = 0;
          }
          continue;
        }
        if (bodySeen == active.bodyOffset()) {
          faultsApplied.incrementAndGet();
          if (active.cut()) {
            out.write(buffer, 0, i);
            out.flush();
            // A FIN right after the last byte, not close(): closing a socket that still has unread
            // input sends a RST, and a RST makes the client's kernel drop bytes it had received but
            // not yet read, so a loaded client saw fewer than bodyOffset bytes. The client's own
            // close then ends forwardRequests, which closes both sockets.
            client.shutdownOutput();
            target.close();
            return;
          }
          buffer[i] = (byte) ~buffer[i];
          out.write(buffer, 0, n);
          out.flush();
          active = null;
          break;
        }
        bodySeen++;
      }
      if (active != null) {
        out.write(buffer, 0, n);
        out.flush();
      }
    }
  }

  private static int nextHeaderMatch(int matched, byte b) {
    byte expected = (matched % 2 == 0) ? (byte) '\r' : (byte) '\n';
    if (b == expected) {
      return matched + 1;
    }
    return b == '\r' ? 1 : 0;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  /** Stops accepting and closes all connections. */
  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(FaultyRelay::closeQuietly);
    threads.shutdownNow();
  }
}
