package io.brume.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Serves one client connection of the L7 proxy: reads requests one after the other (keep-alive),
 * rejects malformed ones with the matching 4xx/5xx, and hands each valid one to an {@link
 * HttpForwarder}. Runs on its own virtual thread; never throws.
 */
final class HttpConnectionHandler implements Runnable {
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes();
  private static final byte[] NO_BODY = new byte[0];
  private static final int LINGER_MILLIS = 500;
  private static final int LINGER_BYTES = 1 << 20;

  private final ProxyConfig config;
  private final UpstreamSet upstreams;
  private final ReadDeadlines deadlines;
  private final Socket client;
  private final byte[] alreadyRead;

  HttpConnectionHandler(
      ProxyConfig config, UpstreamSet upstreams, ReadDeadlines deadlines, Socket client) {
    this(config, upstreams, deadlines, client, NO_BODY);
  }

  /**
   * @param alreadyRead bytes of the connection read before (by the {@link EventLoop} handing the
   *     connection over), served before what the socket delivers next
   */
  HttpConnectionHandler(
      ProxyConfig config,
      UpstreamSet upstreams,
      ReadDeadlines deadlines,
      Socket client,
      byte[] alreadyRead) {
    this.config = config;
    this.upstreams = upstreams;
    this.deadlines = deadlines;
    this.client = client;
    this.alreadyRead = alreadyRead;
  }

  @Override
  public void run() {
    try (Socket socket = client;
        ReadDeadlines.Deadline idle = deadlines.watch(socket, config.clientIdleTimeout())) {
      serve(socket, idle);
    } catch (IOException e) {
      // Closing the client socket failed: nothing left to do.
    }
  }

  // The socket must still be open when an error response is written, so the catch clauses live
  // here and not on the try-with-resources in run().
  private void serve(Socket socket, ReadDeadlines.Deadline idle) {
    HttpOutput out = null;
    try {
      socket.setTcpNoDelay(true);
      HttpInput in = new HttpInput(socket.getInputStream(), true, idle);
      in.prefill(alreadyRead, 0, alreadyRead.length);
      out = new HttpOutput(socket.getOutputStream(), true);
      String clientAddress = socket.getInetAddress().getHostAddress();
      HttpForwarder forwarder = new HttpForwarder(config, upstreams, deadlines, out, clientAddress);
      while (serveOne(in, out, forwarder, idle)) {
        // next request on the same connection
      }
    } catch (MalformedHttpException e) {
      if (e.fromClient() && out != null) {
        ErrorResponses.sendQuietly(out, e.status(), e.getMessage());
        lingerBeforeClose();
      }
    } catch (SocketTimeoutException | ClientGoneException e) {
      // Idle keep-alive connection timed out, or the client went away: just close.
    } catch (IOException e) {
      // An unexpected socket failure ends this connection, never the proxy.
    } catch (RuntimeException e) {
      // A bug ends this connection with a 500, never the proxy.
      if (out != null) {
        ErrorResponses.sendQuietly(out, 500, "internal proxy error: " + e);
      }
    }
  }

  /**
   * Closing a socket with unread input makes the kernel send a reset, which can destroy the error
   * response before the client reads it; so half-close and discard what the client still sends, for
   * a bounded time and amount (as nginx's lingering close does).
   */
  private void lingerBeforeClose() {
    try {
      client.shutdownOutput();
      client.setSoTimeout(LINGER_MILLIS);
      InputStream in = client.getInputStream();
      byte[] discard = new byte[8192];
      long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
      int total = 0;
      int n;
      while (total < LINGER_BYTES && System.nanoTime() < deadline && (n = in.read(discard)) > 0) {
        total += n;
      }
    } catch (IOException e) {
      // The client closed or stayed silent: either way we are done.
    }
  }

  /** Serves one request; true when the connection stays open for another. */
  private boolean serveOne(
      HttpInput in, HttpOutput out, HttpForwarder forwarder, ReadDeadlines.Deadline deadline)
      throws IOException {
    // Idle until the request's first byte (the idle timeout), then the whole head must arrive
    // within the header timeout, however the client spreads it over reads (slowloris).
    if (!in.awaitByte()) {
      return false;
    }
    RequestHead request;
    deadline.limitFromNow(config.requestHeaderTimeout());
    try {
      request = HttpParser.readRequest(in);
    } finally {
      deadline.clearLimit();
    }
    if (request == null) {
      return false;
    }
    Framing framing = Framing.ofRequest(request, in);
    String expect = request.headers().first("Expect");
    if (expect != null) {
      if (!expect.equalsIgnoreCase("100-continue")) {
        ErrorResponses.send(out, 417, "unsupported Expect: " + expect);
        return false;
      }
      // Answer 100 ourselves: the body is forwarded only after an endpoint is chosen.
      request.headers().remove("Expect");
      if (framing.kind() != Framing.Kind.NONE) {
        out.write(CONTINUE);
        out.flush();
      }
    }
    byte[] body = null;
    if (framing.kind() == Framing.Kind.NONE) {
      body = NO_BODY;
    } else if (framing.kind() == Framing.Kind.LENGTH
        && framing.length() <= config.maxBufferedBody()) {
      body = in.readExactly((int) framing.length());
    }
    // The forwarder decides, from the request's Connection header and the response framing.
    return forwarder.forward(request, framing, body, in);
  }
}
