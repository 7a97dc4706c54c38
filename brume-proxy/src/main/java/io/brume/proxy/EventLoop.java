package io.brume.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The L7 proxy's event-loop data plane ({@link ProxyConfig.DataPlane#EVENT_LOOP}): one platform
 * thread with a {@link Selector} serves every client connection and its upstream connections with
 * non-blocking I/O, as HAProxy's single event loop does, instead of one thread per connection.
 *
 * <p>It handles the common exchange itself: an HTTP/1.1 request whose head (and Content-Length
 * body, if any) has arrived, forwarded on a pooled keep-alive upstream connection, and a response
 * delimited by Content-Length, by nothing or by the end of the connection; with the same endpoint
 * choice, retries, timeouts (504), failures (502/503) and keep-alive as {@link HttpForwarder}.
 * Everything else (HTTP/1.0, {@code Expect}, chunked or partly arrived request bodies, malformed or
 * oversized requests, chunked responses) is handed over to the thread-per-connection code with the
 * bytes read so far, so that each of those behaviours keeps one implementation; the connection then
 * stays on its thread. Heads are parsed by {@link HttpParser} once they are complete.
 *
 * <p>All state is owned by the loop's thread; other threads only {@link #add} connections and
 * {@link #close} the loop.
 */
final class EventLoop implements AutoCloseable {
  private static final int BUFFER_SIZE = 16 * 1024;

  /** A head (with its body when buffered) never needs more than this many bytes. */
  private static final int MAX_HEAD_BUFFER = HttpParser.MAX_HEADER_BYTES + 2 * BUFFER_SIZE;

  /** Starts the thread a connection moves to when the loop hands it over. */
  interface HandOff {
    void start(Runnable connection);
  }

  private final ProxyConfig config;
  private final UpstreamSet upstreams;
  private final ReadDeadlines deadlines;
  private final HandOff handOff;
  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> incoming = new ConcurrentLinkedQueue<>();
  private final List<Runnable> afterDeregistration = new ArrayList<>();
  private final Set<Client> clients = new HashSet<>();

  /**
   * Upstream connections with a request to send, written once every ready key of a select has been
   * dispatched rather than one by one in between (as HAProxy sends after processing its ready
   * sockets): endpoints and clients then get their bytes in a burst and handle several per wake-up.
   * At 64 connections this cut wrk's and the loop's CPU per request by about a tenth
   * (docs/bench/proxy.md).
   */
  private final ArrayDeque<Conn> deferredRequests = new ArrayDeque<>();

  /**
   * Clients with bytes to receive, written after {@link #deferredRequests}: a request still needs
   * the endpoint's work, an answer only ends an exchange, so the endpoint starts first and works
   * while the loop writes the answers (at 64 connections p50 15-37 µs lower than in dispatch order
   * in 3 of 4 runs, 21 µs higher in the fourth: within the noise, docs/bench/proxy.md).
   */
  private final ArrayDeque<Client> deferredResponses = new ArrayDeque<>();

  /** True while ready keys are dispatched: writes then wait in the deferred queues. */
  private boolean dispatching;

  private final Map<Upstream, ArrayDeque<Conn>> idle = new HashMap<>();

  /** Requests and responses are built here before one write each; reused. */
  private final Sink sink = new Sink();

  private final HttpOutput toSink = new HttpOutput(sink, false);

  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
  private volatile boolean closed;

  EventLoop(ProxyConfig config, UpstreamSet upstreams, ReadDeadlines deadlines, HandOff handOff)
      throws IOException {
    this.config = config;
    this.upstreams = upstreams;
    this.deadlines = deadlines;
    this.handOff = handOff;
    this.selector = Selector.open();
    this.thread = Thread.ofPlatform().daemon(true).name("brume-proxy-event-loop").start(this::run);
  }

  /**
   * Serves {@code channel} from now on; {@code onClose} runs once when the connection ends (on the
   * loop or, after a hand-over, on the connection's thread).
   */
  void add(SocketChannel channel, Runnable onClose) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable releaseOnce =
        () -> {
          if (released.compareAndSet(false, true)) {
            onClose.run();
          }
        };
    incoming.add(
        () -> {
          Client client = new Client(channel, releaseOnce);
          try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.address =
                ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress();
            client.key = channel.register(selector, SelectionKey.OP_READ, client);
          } catch (IOException | RuntimeException e) {
            client.close();
            return;
          }
          clients.add(client);
          client.awaitRequest(System.nanoTime());
        });
    selector.wakeup();
    if (closed) {
      closeQuietly(channel); // the loop has stopped (or failed): refuse rather than hang
      releaseOnce.run();
    }
  }

  private void run() {
    long tickMillis = Math.max(1, deadlines.tickNanos() / 1_000_000);
    long nextSweep = System.nanoTime() + deadlines.tickNanos();
    try {
      while (!closed) {
        dispatching = true;
        selector.select(this::dispatch, tickMillis);
        dispatching = false;
        writeDeferred();
        Runnable task;
        while ((task = incoming.poll()) != null) {
          task.run();
        }
        while (!afterDeregistration.isEmpty()) {
          selector.selectNow(this::dispatch); // deregisters the cancelled keys
          List<Runnable> tasks = List.copyOf(afterDeregistration);
          afterDeregistration.clear();
          tasks.forEach(Runnable::run);
        }
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          nextSweep = now + deadlines.tickNanos();
          for (Client client : List.copyOf(clients)) {
            try {
              client.expireIfDue(now);
            } catch (RuntimeException e) {
              client.close(); // a bug ends this connection, never the loop
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        System.err.println("brume proxy event loop failed, closing its connections: " + e);
      }
    } finally {
      closed = true;
      for (Client client : List.copyOf(clients)) {
        client.close();
      }
      for (ArrayDeque<Conn> pool : idle.values()) {
        pool.forEach(Conn::close);
      }
      // Closed here, not only in close() after this thread ends: a connection accepted but not yet
      // registered would otherwise register below and stay open, served by nobody.
      try {
        selector.close();
      } catch (IOException e) {
        // nothing is registered that is not closed already
      }
      Runnable task;
      while ((task = incoming.poll()) != null) {
        task.run(); // registers on the closed selector, fails and closes the connection
      }
    }
  }

  private void dispatch(SelectionKey key) {
    Object attachment = key.attachment();
    try {
      if (attachment instanceof Client client) {
        client.ready(key);
      } else if (attachment instanceof Conn conn) {
        conn.ready(key);
      }
    } catch (CancelledKeyException e) {
      // Closed by ProxyServer.close() meanwhile.
    } catch (RuntimeException e) {
      failedWithBug(attachment);
    }
  }

  /**
   * Sends what the dispatched keys left to send, the requests to endpoints first; what that sets
   * off may send more, now.
   */
  private void writeDeferred() {
    flushEach(deferredRequests, conn -> conn.flushRequest(System.nanoTime()));
    flushEach(deferredResponses, Client::flush);
  }

  /** Empties {@code queue}, flushing each connection; one that fails ends alone. */
  private static <T> void flushEach(ArrayDeque<T> queue, Consumer<T> flush) {
    T next;
    while ((next = queue.poll()) != null) {
      try {
        flush.accept(next);
      } catch (CancelledKeyException e) {
        // Closed by ProxyServer.close() meanwhile.
      } catch (RuntimeException e) {
        failedWithBug(next);
      }
    }
  }

  /** A bug ends the connection it happened on, never the loop (and so every other one). */
  private static void failedWithBug(Object connection) {
    if (connection instanceof Client client) {
      client.close();
    } else if (connection instanceof Conn conn) {
      conn.failedWithBug();
    }
  }

  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      thread.join();
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the proxy's selector", e);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }

  /** Index just past the blank line ending the head in {@code bytes[0, length)}, or -1. */
  static int endOfHead(byte[] bytes, int length) {
    for (int i = 1; i < length; i++) {
      if (bytes[i] == '\n'
          && (bytes[i - 1] == '\n' || (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n'))) {
        return i + 1;
      }
    }
    return -1;
  }

  /** Reads what the channel has into {@code bytes[length, ...)}; -1 at end of stream. */
  private int read(SocketChannel channel, byte[] bytes, int length) throws IOException {
    readBuffer.clear().limit(Math.min(readBuffer.capacity(), bytes.length - length));
    int n = channel.read(readBuffer);
    if (n > 0) {
      readBuffer.flip().get(bytes, length, n);
    }
    return n;
  }

  /** Grows a head buffer that is full, up to {@link #MAX_HEAD_BUFFER}; null beyond. */
  private static byte @Nullable [] grown(byte[] bytes) {
    return bytes.length >= MAX_HEAD_BUFFER
        ? null
        : Arrays.copyOf(bytes, Math.min(MAX_HEAD_BUFFER, 2 * bytes.length));
  }

  /** The bytes written so far, as a buffer to send. */
  private static final class Sink extends ByteArrayOutputStream {
    Sink() {
      super(BUFFER_SIZE);
    }

    ByteBuffer take() {
      ByteBuffer bytes = ByteBuffer.wrap(Arrays.copyOf(buf, count));
      reset();
      return bytes;
    }
  }

  /** One client connection and the exchange in progress on it. */
  private final class Client {
    private final SocketChannel channel;
    private final Runnable onClose;
    private @Nullable SelectionKey key;
    private String address = "";
    private byte[] in = new byte[BUFFER_SIZE];
    private int inLength;
    private long deadlineNanos;
    private boolean closed;

    /** The request in progress, if any. */
    private @Nullable Exchange exchange;

    /** Bytes on their way to the client; nothing else is read or sent until they are. */
    private @Nullable ByteBuffer pending;

    private boolean closeWhenWritten;

    /** The client closed its side (it may still read the answer to what it sent before). */
    private boolean inputEnded;

    Client(SocketChannel channel, Runnable onClose) {
      this.channel = channel;
      this.onClose = onClose;
    }

    /** Between requests: idle timeout until the first byte, then the header timeout. */
    void awaitRequest(long now) {
      exchange = null;
      deadlineNanos = now + config.clientIdleTimeout().toNanos();
      updateInterest();
      if (inLength > 0) {
        request(now); // pipelined
      } else if (inputEnded) {
        close();
      }
    }

    void ready(SelectionKey selected) {
      if (selected.isWritable()) {
        flush();
      }
      if (!closed && selected.isValid() && selected.isReadable()) {
        readRequest();
      }
    }

    private void readRequest() {
      int n;
      try {
        n = read(channel, in, inLength);
      } catch (IOException e) {
        close();
        return;
      }
      if (n < 0) {
        inputEnded = true;
        if (exchange != null) {
          updateInterest(); // answered first, as the blocking path does
        } else if (inLength == 0) {
          close(); // a clean close between requests
        } else {
          handOver(); // a truncated head: the blocking path answers it as it does
        }
        return;
      }
      long now = System.nanoTime();
      if (inLength == 0 && n > 0) {
        deadlineNanos = now + config.requestHeaderTimeout().toNanos();
      }
      inLength += n;
      if (exchange != null) {
        // Read interest stays on during an exchange (changing it costs two epoll_ctl per
        // request): a pipelined request waits in the buffer, reading stops when it is full.
        updateInterest();
        return;
      }
      request(now);
    }

    /** Starts forwarding the buffered request when its head is complete. */
    private void request(long now) {
      int headEnd = endOfHead(in, inLength);
      if (headEnd < 0) {
        if (inputEnded) {
          handOver(); // a truncated head: the blocking path answers it as it does
          return;
        }
        if (inLength == in.length) {
          byte[] larger = grown(in);
          if (larger == null) {
            handOver(); // too large: the blocking path answers 431
            return;
          }
          in = larger;
          updateInterest();
        }
        return;
      }
      HttpInput head = new HttpInput(in, 0, headEnd, true);
      RequestHead request;
      Framing framing;
      try {
        request = HttpParser.readRequest(head);
        if (request == null || head.position() != headEnd) {
          handOver();
          return;
        }
        framing = Framing.ofRequest(request, head);
      } catch (IOException | RuntimeException e) {
        handOver(); // malformed: the blocking path answers it, with the same status and linger
        return;
      }
      long bodyLength = framing.kind() == Framing.Kind.LENGTH ? framing.length() : 0;
      if (request.isHttp10()
          || request.headers().contains("Expect")
          || (framing.kind() != Framing.Kind.NONE && framing.kind() != Framing.Kind.LENGTH)
          || bodyLength > config.maxBufferedBody()
          || headEnd + bodyLength > inLength) {
        handOver();
        return;
      }
      int bodyEnd = headEnd + (int) bodyLength;
      byte[] body = Arrays.copyOfRange(in, headEnd, bodyEnd);
      System.arraycopy(in, bodyEnd, in, 0, inLength - bodyEnd);
      inLength -= bodyEnd;
      exchange = new Exchange(this, request, framing, body);
      exchange.attempt(now);
    }

    /** Moves this connection to a thread running the blocking code, with the bytes read so far. */
    private void handOver() {
      byte[] buffered = Arrays.copyOf(in, inLength);
      deregisterThen(
          () ->
              startThread(
                  () ->
                      new HttpConnectionHandler(
                              config, upstreams, deadlines, channel.socket(), buffered)
                          .run()));
    }

    /**
     * Cancels the key, then (once deregistered) switches to blocking mode and runs {@code task}.
     */
    private void deregisterThen(Runnable task) {
      clients.remove(this);
      if (key != null) {
        key.cancel();
      }
      afterDeregistration.add(
          () -> {
            try {
              channel.configureBlocking(true);
            } catch (IOException | RuntimeException e) {
              closeChannelAndRelease();
              return;
            }
            task.run();
          });
    }

    /** Runs {@code task} on a connection thread, which releases the connection at its end. */
    private void startThread(Runnable task) {
      try {
        handOff.start(
            () -> {
              try {
                task.run();
              } finally {
                closeChannelAndRelease();
              }
            });
      } catch (RuntimeException e) {
        closeChannelAndRelease();
      }
    }

    /** Reads while there is room and input, writes while bytes are pending. */
    void updateInterest() {
      int ops =
          (!inputEnded && inLength < in.length ? SelectionKey.OP_READ : 0)
              | (pending != null ? SelectionKey.OP_WRITE : 0);
      if (key != null && key.isValid() && key.interestOps() != ops) {
        key.interestOps(ops);
      }
    }

    /** Sends {@code bytes} (waiting for OP_WRITE when the socket is full), then goes on. */
    void send(ByteBuffer bytes, boolean closeAfter) {
      pending = bytes;
      closeWhenWritten = closeAfter;
      if (dispatching) {
        deferredResponses.add(this);
      } else {
        flush();
      }
    }

    void flush() {
      ByteBuffer bytes = pending;
      if (bytes == null || closed) {
        return;
      }
      try {
        channel.write(bytes);
      } catch (IOException e) {
        close(); // the client went away
        return;
      }
      if (bytes.hasRemaining()) {
        updateInterest();
        return;
      }
      pending = null;
      updateInterest();
      if (closeWhenWritten) {
        close();
        return;
      }
      Exchange current = exchange;
      if (current != null) {
        current.clientDrained(System.nanoTime());
      }
    }

    void expireIfDue(long now) {
      Exchange current = exchange;
      if (current != null) {
        current.expireIfDue(now);
      } else if (pending == null && now - deadlineNanos > 0) {
        close(); // idle keep-alive connection, or a head too slow: as the blocking path, just close
      }
    }

    /** Ends the connection and whatever upstream exchange it had in flight. */
    void close() {
      if (closed) {
        return;
      }
      Exchange current = exchange;
      exchange = null;
      if (current != null) {
        current.abandon();
      }
      clients.remove(this);
      closeChannelAndRelease();
    }

    private void closeChannelAndRelease() {
      closed = true;
      closeQuietly(channel);
      onClose.run();
    }
  }

  /** One request of a client, tried on one endpoint after the other. */
  private final class Exchange {
    private final Client client;
    private final RequestHead request;
    private final Framing framing;
    private final byte[] body;
    private final boolean clientKeepAlive;
    private final int maxAttempts;
    private final List<Upstream> tried;
    private int failureStatus = 503;
    private String failure = "no ready endpoint";

    // The current attempt.
    private @Nullable Upstream upstream;
    private @Nullable Conn conn;
    private long startNanos;
    private long headNanos;
    private boolean upstreamOk;
    private boolean freshRetried;
    private boolean responseStarted;
    private boolean keepAlive;
    private Framing responseFraming = Framing.NONE;
    private boolean upstreamKeepsAlive;
    private long remaining;
    private boolean upstreamDone;

    Exchange(Client client, RequestHead request, Framing framing, byte[] body) {
      this.client = client;
      this.request = request;
      this.framing = framing;
      this.body = body;
      this.clientKeepAlive = request.clientKeepsAlive();
      request.headers().removeHopByHop();
      this.maxAttempts = request.isIdempotent() ? config.maxAttempts() : 1;
      this.tried = new ArrayList<>(maxAttempts);
    }

    /** Chooses an endpoint not tried yet and sends the request to it. */
    void attempt(long now) {
      Upstream chosen = tried.size() < maxAttempts ? upstreams.choose(tried) : null;
      if (chosen == null) {
        fail();
        return;
      }
      tried.add(chosen);
      upstream = chosen;
      upstreams.started(chosen);
      startNanos = now;
      headNanos = 0;
      upstreamOk = false;
      freshRetried = false;
      Conn pooled = pooled(chosen, now);
      if (pooled != null) {
        pooled.start(this, now);
      } else {
        connect(chosen, now);
      }
    }

    private void connect(Upstream chosen, long now) {
      try {
        Conn fresh = new Conn(chosen);
        conn = fresh;
        fresh.open(this, now);
      } catch (IOException e) {
        failed(e);
      }
    }

    /** The request bytes for the current endpoint. */
    ByteBuffer requestBytes() throws IOException {
      HttpForwarder.writeRequestHead(
          toSink, request, framing, true, upstream().endpoint(), client.address);
      toSink.write(body);
      toSink.flush();
      return sink.take();
    }

    Upstream upstream() {
      Upstream current = upstream;
      if (current == null) {
        throw new IllegalStateException("no attempt in progress");
      }
      return current;
    }

    /** The response head has arrived on {@code from}; the body follows in its buffer. */
    void responseHead(Conn from, ResponseHead response, long now) throws IOException {
      headNanos = now;
      int status = response.status();
      upstreamOk = status < 500;
      HttpInput head = new HttpInput(from.in, 0, 0, false);
      responseFraming = Framing.ofResponse(request.method(), response, head);
      boolean mayRetry = tried.size() < maxAttempts;
      if (mayRetry && (status == 502 || status == 503 || status == 504)) {
        failureStatus = 502;
        failure = upstream().endpoint().name() + " answered " + status;
        endAttempt(false);
        attempt(now);
        return;
      }
      upstreamKeepsAlive =
          responseFraming.kind() != Framing.Kind.UNTIL_CLOSE && response.upstreamKeepsAlive();
      responseStarted = true;
      keepAlive =
          HttpForwarder.writeResponseHead(
              toSink, request, clientKeepAlive, response, responseFraming);
      toSink.flush();
      if (responseFraming.kind() == Framing.Kind.CHUNKED) {
        relayChunkedOnThread(from, sink.take());
        return;
      }
      remaining =
          responseFraming.kind() == Framing.Kind.LENGTH
              ? responseFraming.length()
              : responseFraming.kind() == Framing.Kind.NONE ? 0 : Long.MAX_VALUE;
      relayBody(from, now);
    }

    /** Moves what {@code from} buffered of the body to the client; the sink may hold the head. */
    void relayBody(Conn from, long now) throws IOException {
      int n = (int) Math.min(remaining, from.inLength);
      sink.write(from.in, 0, n);
      System.arraycopy(from.in, n, from.in, 0, from.inLength - n);
      from.inLength -= n;
      if (remaining != Long.MAX_VALUE) {
        remaining -= n;
      }
      if (remaining == 0) {
        upstreamDone = true;
        endAttempt(true);
      } else {
        from.pause(); // until the client took these bytes
      }
      if (sink.size() > 0) {
        client.send(sink.take(), false);
      } else {
        clientDrained(now);
      }
    }

    /** The client took everything sent so far. */
    void clientDrained(long now) {
      if (!responseStarted) {
        return;
      }
      if (!upstreamDone) {
        Conn current = conn;
        if (current != null) {
          current.awaitData(now);
        }
        return;
      }
      if (keepAlive) {
        client.awaitRequest(now);
      } else {
        client.close();
      }
    }

    /** The upstream closed its connection: the end of an until-close body, or a failure. */
    void upstreamClosed(long now) {
      if (responseStarted && remaining == Long.MAX_VALUE) {
        upstreamDone = true;
        keepAlive = false;
        endAttempt(true);
        clientDrained(now);
        return;
      }
      failed(
          new IOException(
              responseStarted
                  ? "upstream body ended " + remaining + " bytes early"
                  : "upstream closed the connection before responding"));
    }

    /**
     * Finishes the current attempt: the connection back to the pool when its exchange completed
     * cleanly, the endpoint's outcome recorded.
     */
    private void endAttempt(boolean completed) {
      Conn current = conn;
      conn = null;
      Upstream attempted = upstream;
      upstream = null;
      if (current != null) {
        if (completed && upstreamKeepsAlive && current.inLength == 0) {
          release(current);
        } else {
          current.close();
        }
      }
      if (attempted != null) {
        long latency = (headNanos == 0 ? System.nanoTime() : headNanos) - startNanos;
        upstreams.finished(attempted, latency, upstreamOk);
      }
    }

    /** The attempt failed with {@code e}: retry, answer 502/504, or close a started response. */
    void failed(IOException e) {
      Conn current = conn;
      Upstream attempted = upstream();
      boolean timeout = e instanceof SocketTimeoutException;
      if (responseStarted) {
        endAttempt(false);
        client.close(); // half a response was sent: only closing is left
        return;
      }
      if (current != null
          && current.reused
          && !freshRetried
          && request.isIdempotent()
          && !timeout
          && !(e instanceof MalformedHttpException)) {
        // A pooled connection the endpoint closed while idle fails on first use: once more on a
        // fresh one, as HttpForwarder does.
        freshRetried = true;
        current.close();
        connect(attempted, System.nanoTime());
        return;
      }
      failureStatus = timeout ? 504 : 502;
      failure = attempted.endpoint().name() + ": " + e;
      upstreamOk = false;
      if (!(e instanceof MalformedHttpException)) {
        attempted.closeIdle();
        ArrayDeque<Conn> pool = idle.remove(attempted);
        if (pool != null) {
          pool.forEach(Conn::close);
        }
      }
      endAttempt(false);
      attempt(System.nanoTime());
    }

    /** No endpoint (left) to try: answer with the last failure and close, as HttpForwarder. */
    private void fail() {
      try {
        ErrorResponses.send(toSink, failureStatus, failure);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // an in-memory sink does not fail
      }
      client.send(sink.take(), true);
    }

    void expireIfDue(long now) {
      Conn current = conn;
      if (current != null && current.waiting && now - current.deadlineNanos > 0) {
        failed(
            new SocketTimeoutException(
                current.connecting
                    ? "connect timed out after " + config.connectTimeout().toMillis() + " ms"
                    : "upstream sent nothing for " + config.responseTimeout().toMillis() + " ms"));
      }
    }

    /** The client went away: the endpoint is not to blame. */
    void abandon() {
      upstreamOk = true;
      endAttempt(false);
    }

    /**
     * A chunked response is copied by the blocking code on a thread ({@link
     * HttpParser#copyChunked}); the client connection then stays on that thread.
     */
    private void relayChunkedOnThread(Conn from, ByteBuffer head) {
      Upstream attempted = upstream();
      long latency = headNanos - startNanos;
      byte[] upstreamBytes = Arrays.copyOf(from.in, from.inLength);
      byte[] clientBytes = Arrays.copyOf(client.in, client.inLength);
      client.exchange = null;
      conn = null;
      upstream = null;
      from.deregister();
      client.deregisterThen(
          () ->
              client.startThread(
                  () -> relayChunked(attempted, latency, from, upstreamBytes, head, clientBytes)));
    }

    private void relayChunked(
        Upstream attempted,
        long latency,
        Conn from,
        byte[] upstreamBytes,
        ByteBuffer head,
        byte[] clientBytes) {
      boolean clientStaysOpen = false;
      try (ReadDeadlines.Deadline deadline =
          deadlines.watch(from.channel.socket(), config.responseTimeout())) {
        from.channel.configureBlocking(true);
        HttpInput upstreamIn =
            new HttpInput(from.channel.socket().getInputStream(), false, deadline);
        upstreamIn.prefill(upstreamBytes, 0, upstreamBytes.length);
        HttpOutput out = new HttpOutput(client.channel.socket().getOutputStream(), true);
        out.write(head.array(), head.position(), head.remaining());
        HttpParser.copyChunked(upstreamIn, out, true);
        out.flush();
        clientStaysOpen = keepAlive;
      } catch (IOException | RuntimeException e) {
        // Half a response was sent: the client connection is closed below.
      } finally {
        from.close();
        upstreams.finished(attempted, latency, upstreamOk);
      }
      if (clientStaysOpen) {
        new HttpConnectionHandler(
                config, upstreams, deadlines, client.channel.socket(), clientBytes)
            .run();
      }
    }
  }

  private @Nullable Conn pooled(Upstream upstream, long now) {
    ArrayDeque<Conn> pool = idle.get(upstream);
    Conn conn;
    while (pool != null && (conn = pool.pollFirst()) != null) {
      if (now - conn.idleSinceNanos < Upstream.MAX_IDLE_NANOS && conn.channel.isOpen()) {
        return conn;
      }
      conn.close();
    }
    return null;
  }

  private void release(Conn conn) {
    ArrayDeque<Conn> pool = idle.computeIfAbsent(conn.upstream, u -> new ArrayDeque<>());
    if (conn.upstream.status != EndpointStatus.READY
        || pool.size() >= Upstream.MAX_IDLE_CONNECTIONS) {
      conn.close();
      return;
    }
    conn.reused = true;
    conn.exchange = null;
    conn.idleSinceNanos = System.nanoTime();
    conn.interest(SelectionKey.OP_READ); // to notice the endpoint closing it
    pool.addFirst(conn);
  }

  /** One keep-alive connection to an endpoint, pooled between exchanges. */
  private final class Conn {
    private final Upstream upstream;
    private final SocketChannel channel;
    private @Nullable SelectionKey key;
    private @Nullable Exchange exchange;
    private byte[] in = new byte[BUFFER_SIZE];
    private int inLength;
    private @Nullable ByteBuffer pending;
    private boolean connecting;
    private boolean waiting;
    private boolean reused;
    private long idleSinceNanos;
    private long deadlineNanos;

    Conn(Upstream upstream) throws IOException {
      this.upstream = upstream;
      this.channel = SocketChannel.open();
    }

    /** Connects (without blocking) and sends the exchange's request once connected. */
    void open(Exchange owner, long now) throws IOException {
      exchange = owner;
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      key = channel.register(selector, 0, this);
      if (channel.connect(upstream.endpoint().socketAddress())) {
        start(owner, now);
        return;
      }
      connecting = true;
      waiting = true;
      deadlineNanos = now + config.connectTimeout().toNanos();
      interest(SelectionKey.OP_CONNECT);
    }

    /** Sends the request of {@code owner} on this (connected) connection. */
    void start(Exchange owner, long now) {
      exchange = owner;
      owner.conn = this;
      try {
        pending = owner.requestBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // an in-memory sink does not fail
      }
      if (dispatching) {
        deferredRequests.add(this);
      } else {
        flushRequest(now);
      }
    }

    void ready(SelectionKey selected) {
      Exchange owner = exchange;
      if (owner == null) {
        idleReadable(); // pooled: the endpoint closed it, or sent what nobody asked for
        return;
      }
      long now = System.nanoTime();
      try {
        if (connecting && selected.isConnectable()) {
          channel.finishConnect();
          connecting = false;
          start(owner, now);
          return;
        }
        if (selected.isWritable()) {
          flushRequest(now);
        } else if (selected.isReadable()) {
          readResponse(owner, now);
        }
      } catch (IOException e) {
        owner.failed(e);
      }
    }

    void flushRequest(long now) {
      ByteBuffer bytes = pending;
      if (bytes == null || exchange == null) {
        return; // closed (or handed back) before its deferred write
      }
      try {
        channel.write(bytes);
      } catch (IOException e) {
        Exchange owner = exchange;
        if (owner != null) {
          owner.failed(e);
        }
        return;
      }
      if (bytes.hasRemaining()) {
        waiting = false;
        interest(SelectionKey.OP_WRITE);
        return;
      }
      pending = null;
      awaitData(now);
    }

    /** Reads the next bytes of the response within the response timeout. */
    void awaitData(long now) {
      waiting = true;
      deadlineNanos = now + config.responseTimeout().toNanos();
      interest(SelectionKey.OP_READ);
    }

    void pause() {
      waiting = false;
      interest(0);
    }

    private void readResponse(Exchange owner, long now) throws IOException {
      if (inLength == in.length) {
        byte[] larger = grown(in);
        if (larger == null) {
          throw new MalformedHttpException(502, false, "response header section too large");
        }
        in = larger;
      }
      int n = read(channel, in, inLength);
      if (n < 0) {
        owner.upstreamClosed(now);
        return;
      }
      if (n == 0) {
        return;
      }
      inLength += n;
      deadlineNanos = now + config.responseTimeout().toNanos();
      if (owner.responseStarted) {
        owner.relayBody(this, now);
        return;
      }
      while (true) {
        int headEnd = endOfHead(in, inLength);
        if (headEnd < 0) {
          return; // the rest of the head comes later
        }
        ResponseHead response = HttpParser.readResponse(new HttpInput(in, 0, headEnd, false));
        System.arraycopy(in, headEnd, in, 0, inLength - headEnd);
        inLength -= headEnd;
        if (response.status() == 101) {
          throw new MalformedHttpException(
              502, false, "101 Switching Protocols without an upgrade");
        }
        if (response.status() >= 200) {
          owner.responseHead(this, response, now);
          return;
        }
        // An interim 1xx response: skipped, as HttpForwarder does.
      }
    }

    private void idleReadable() {
      ArrayDeque<Conn> pool = idle.get(upstream);
      if (pool != null) {
        pool.remove(this);
      }
      close();
    }

    void interest(int ops) {
      SelectionKey current = key;
      if (current != null && current.isValid()) {
        current.interestOps(ops);
      }
    }

    void deregister() {
      SelectionKey current = key;
      if (current != null) {
        current.cancel();
      }
    }

    void close() {
      exchange = null;
      closeQuietly(channel);
    }

    /** After a bug while serving this connection: its client is closed, as is the connection. */
    void failedWithBug() {
      Exchange owner = exchange;
      close();
      if (owner != null) {
        owner.client.close();
      }
    }
  }
}
