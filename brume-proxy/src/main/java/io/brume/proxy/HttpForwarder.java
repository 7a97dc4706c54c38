package io.brume.proxy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Forwards requests of one client connection: chooses an endpoint per request, sends the request on
 * a pooled connection, streams the response back, and retries idempotent requests whose body is
 * buffered on another endpoint when one fails before answering.
 */
final class HttpForwarder {
  private final ProxyConfig config;
  private final UpstreamSet upstreams;
  private final HttpOutput client;
  private final String clientAddress;
  private final ReadDeadlines deadlines;

  HttpForwarder(
      ProxyConfig config,
      UpstreamSet upstreams,
      ReadDeadlines deadlines,
      HttpOutput client,
      String clientAddress) {
    this.config = config;
    this.upstreams = upstreams;
    this.deadlines = deadlines;
    this.client = client;
    this.clientAddress = clientAddress;
  }

  /** How one attempt ended, when it did not throw. */
  private enum Outcome {
    /** The response went to the client and the client connection may be reused. */
    DONE_KEEP_ALIVE,
    /** The response went to the client, which must now be disconnected. */
    DONE_CLOSE,
    /** The endpoint answered 502/503/504 to a retriable request: try another one. */
    RETRY
  }

  /**
   * Forwards one request and its response.
   *
   * @param bufferedBody the whole request body, or null when it is streamed from {@code clientIn}
   * @return true when the client connection may carry another request
   */
  boolean forward(
      RequestHead request, Framing framing, byte @Nullable [] bufferedBody, HttpInput clientIn)
      throws IOException {
    boolean clientKeepAlive = request.clientKeepsAlive();
    request.headers().removeHopByHop();
    boolean replayable = bufferedBody != null && request.isIdempotent();
    int maxAttempts = replayable ? config.maxAttempts() : 1;
    List<Upstream> tried = new ArrayList<>(maxAttempts);
    int failureStatus = 503;
    String failure = "no ready endpoint";
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Upstream upstream = upstreams.choose(tried);
      if (upstream == null) {
        break;
      }
      tried.add(upstream);
      Attempt current =
          new Attempt(upstream, request, clientKeepAlive, framing, bufferedBody, clientIn);
      boolean mayRetry = replayable && attempt < maxAttempts;
      upstreams.started(upstream);
      boolean upstreamOk = false;
      try {
        Outcome outcome = current.run(mayRetry);
        upstreamOk = current.upstreamOk;
        if (outcome != Outcome.RETRY) {
          return outcome == Outcome.DONE_KEEP_ALIVE;
        }
        failureStatus = 502;
        failure = upstream.endpoint().name() + " answered " + current.status;
      } catch (ClientGoneException e) {
        upstreamOk = true; // not the endpoint's fault
        throw e;
      } catch (MalformedHttpException e) {
        if (e.fromClient()) {
          upstreamOk = true;
          throw e;
        }
        failureStatus = 502;
        failure = upstream.endpoint().name() + ": " + e.getMessage();
        if (current.responseStarted) {
          throw new ClientGoneException(e); // half a response was sent: only closing is left
        }
      } catch (IOException e) {
        failureStatus = e instanceof SocketTimeoutException ? 504 : 502;
        failure = upstream.endpoint().name() + ": " + e;
        if (current.responseStarted) {
          throw new ClientGoneException(e);
        }
        upstream.closeIdle(); // its other pooled connections are likely broken too
      } finally {
        upstreams.finished(upstream, current.latencyNanos(), upstreamOk);
      }
    }
    ErrorResponses.send(client, failureStatus, failure);
    return false;
  }

  /** One try of a request on one endpoint. */
  private final class Attempt {
    private final Upstream upstream;
    private final RequestHead request;
    private final boolean clientKeepAlive;
    private final Framing framing;
    private final byte @Nullable [] bufferedBody;
    private final HttpInput clientIn;
    private final long startNanos = System.nanoTime();
    private long headNanos;
    boolean responseStarted;
    boolean upstreamOk;
    int status;

    Attempt(
        Upstream upstream,
        RequestHead request,
        boolean clientKeepAlive,
        Framing framing,
        byte @Nullable [] bufferedBody,
        HttpInput clientIn) {
      this.upstream = upstream;
      this.request = request;
      this.clientKeepAlive = clientKeepAlive;
      this.framing = framing;
      this.bufferedBody = bufferedBody;
      this.clientIn = clientIn;
    }

    long latencyNanos() {
      return (headNanos == 0 ? System.nanoTime() : headNanos) - startNanos;
    }

    Outcome run(boolean mayRetry) throws IOException {
      UpstreamConnection connection = upstream.acquire(config, deadlines);
      boolean reusable = false;
      try {
        ResponseHead response;
        try {
          response = exchangeHead(connection);
        } catch (IOException e) {
          // A pooled connection the endpoint closed while idle fails on first use; resend a
          // request we can replay on a fresh connection (not for timeouts: the endpoint is slow).
          if (!connection.reused()
              || bufferedBody == null
              || !request.isIdempotent()
              || e instanceof SocketTimeoutException
              || e instanceof ClientGoneException) {
            throw e;
          }
          connection.close();
          connection = upstream.fresh(config, deadlines);
          response = exchangeHead(connection);
        }
        headNanos = System.nanoTime();
        status = response.status();
        upstreamOk = status < 500;
        Framing responseFraming = Framing.ofResponse(request.method(), response, connection.in());
        if (mayRetry && (status == 502 || status == 503 || status == 504)) {
          return Outcome.RETRY; // the connection is closed below, unread body and all
        }
        boolean keepAlive = relay(response, responseFraming, connection);
        reusable =
            responseFraming.kind() != Framing.Kind.UNTIL_CLOSE && response.upstreamKeepsAlive();
        return keepAlive ? Outcome.DONE_KEEP_ALIVE : Outcome.DONE_CLOSE;
      } finally {
        if (reusable) {
          upstream.release(connection);
        } else {
          connection.close();
        }
      }
    }

    /** Sends the request and reads the response head, skipping interim 1xx responses. */
    private ResponseHead exchangeHead(UpstreamConnection connection) throws IOException {
      HttpOutput out = connection.out();
      writeHead(out);
      if (bufferedBody != null) {
        out.write(bufferedBody);
      } else if (framing.kind() == Framing.Kind.LENGTH) {
        out.flush();
        clientIn.copyExactly(framing.length(), out);
      } else {
        out.flush();
        HttpParser.copyChunked(clientIn, out, true);
      }
      out.flush();
      while (true) {
        ResponseHead response = HttpParser.readResponse(connection.in());
        if (response.status() == 101) {
          throw connection.in().malformed(502, "101 Switching Protocols without an upgrade");
        }
        if (response.status() >= 200) {
          return response;
        }
      }
    }

    private void writeHead(HttpOutput out) throws IOException {
      writeRequestHead(
          out, request, framing, bufferedBody != null, upstream.endpoint(), clientAddress);
    }

    /**
     * Writes the response to the client; returns whether the client connection can be kept.
     * HTTP/1.0 clients get chunked bodies de-chunked and the connection closed at the end.
     */
    private boolean relay(ResponseHead response, Framing framing, UpstreamConnection connection)
        throws IOException {
      boolean dechunk = request.isHttp10() && framing.kind() == Framing.Kind.CHUNKED;
      responseStarted = true;
      boolean keepAlive = writeResponseHead(client, request, clientKeepAlive, response, framing);
      HttpInput in = connection.in();
      switch (framing.kind()) {
        case NONE -> {}
        case LENGTH -> in.copyExactly(framing.length(), client);
        case CHUNKED -> HttpParser.copyChunked(in, client, !dechunk);
        case UNTIL_CLOSE -> in.copyToEnd(client);
      }
      client.flush();
      return keepAlive;
    }
  }

  /**
   * Writes the head of {@code request} as sent to {@code endpoint}: hop-by-hop fields already
   * removed, Host added when absent, X-Forwarded-For appended.
   *
   * @param bodyBuffered whether the body is sent from a buffer (a POST or PUT without one then gets
   *     {@code Content-Length: 0})
   */
  static void writeRequestHead(
      HttpOutput out,
      RequestHead request,
      Framing framing,
      boolean bodyBuffered,
      Endpoint endpoint,
      String clientAddress)
      throws IOException {
    out.writeAscii(request.method());
    out.write(' ');
    out.writeAscii(request.target());
    out.writeAscii(" HTTP/1.1\r\n");
    HttpHeaders headers = request.headers();
    headers.writeTo(out);
    if (!headers.contains("Host")) {
      out.writeAscii("Host: ");
      out.writeAscii(endpoint.authority());
      out.writeAscii("\r\n");
    }
    if (bodyBuffered && framing.kind() == Framing.Kind.NONE && needsZeroLength(request)) {
      out.writeAscii("Content-Length: 0\r\n");
    }
    out.writeAscii("X-Forwarded-For: ");
    out.writeAscii(clientAddress);
    out.writeAscii("\r\n\r\n");
  }

  private static boolean needsZeroLength(RequestHead request) {
    String method = request.method();
    return (method.equals("POST") || method.equals("PUT"))
        && !request.headers().contains("Content-Length");
  }

  /**
   * Writes the head of {@code response} to the client; returns whether the client connection can be
   * kept. HTTP/1.0 clients get chunked bodies de-chunked and the connection closed at the end.
   */
  static boolean writeResponseHead(
      HttpOutput client,
      RequestHead request,
      boolean clientKeepAlive,
      ResponseHead response,
      Framing framing)
      throws IOException {
    HttpHeaders headers = response.headers();
    headers.removeHopByHop();
    boolean dechunk = request.isHttp10() && framing.kind() == Framing.Kind.CHUNKED;
    if (dechunk) {
      headers.remove("Transfer-Encoding");
    }
    boolean keepAlive = clientKeepAlive && framing.kind() != Framing.Kind.UNTIL_CLOSE && !dechunk;
    client.writeAscii("HTTP/1.1 ");
    client.writeDecimal(response.status());
    client.write(' ');
    client.writeAscii(response.reason());
    client.writeAscii("\r\n");
    headers.writeTo(client);
    if (!keepAlive) {
      client.writeAscii("Connection: close\r\n");
    } else if (request.isHttp10()) {
      client.writeAscii("Connection: keep-alive\r\n");
    }
    client.writeAscii("\r\n");
    return keepAlive;
  }
}
