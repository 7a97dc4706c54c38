package io.brume.http;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The executor of an {@link EmbeddedHttpServer}: runs each request of the JDK server on its own
 * virtual thread, with a cap on requests in flight and two deadlines.
 *
 * <p>Why an executor: {@code com.sun.net.httpserver} hands a connection to its executor as soon as
 * the first byte of a request is readable, and the task then reads the request line and headers
 * with blocking reads; so the executor sees every request from its first byte, which the JDK's own
 * limits ({@code sun.net.httpserver.maxReqTime}, in whole seconds and for every server of the JVM)
 * do not allow per server. A request is in one of two stages:
 *
 * <ul>
 *   <li><b>headers</b>: from its first byte until the handler is called; limited by the header
 *       timeout;
 *   <li><b>handler</b>: reading the body, computing and writing the response; limited by the
 *       request timeout (optional).
 * </ul>
 *
 * A request past its deadline is interrupted: its thread is blocked on the connection's channel,
 * which the interrupt closes (an interruptible channel), so the JDK drops the connection and the
 * thread ends. When the cap is reached, the request that has waited longest for its headers is
 * evicted to make room (a client that sends its headers at once never waits in that stage, a
 * slowloris always does), and only when every request in flight is past its headers is the new one
 * refused (the JDK then closes that connection). Requests in flight therefore stay below twice the
 * cap (evicted ones are still counted until their thread ends), and so does their memory.
 */
final class RequestGuard implements Executor, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RequestGuard.class.getName());
  private static final long MIN_TICK_NANOS = Duration.ofMillis(10).toNanos();
  private static final long MAX_TICK_NANOS = Duration.ofMillis(250).toNanos();

  private final String name;
  private final int maxRequests;
  private final long headerTimeoutNanos;

  /** 0 when requests have no overall deadline. */
  private final long requestTimeoutNanos;

  private final Set<Request> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private final ThreadLocal<Request> current = new ThreadLocal<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicBoolean warnedFull = new AtomicBoolean();
  private final Thread.Builder threads;
  private final long tickNanos;
  private final Thread watchdog;
  private volatile boolean closed;

  RequestGuard(
      String name, int maxRequests, Duration headerTimeout, Duration requestTimeoutOrZero) {
    this.name = name;
    this.maxRequests = maxRequests;
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.requestTimeoutNanos = requestTimeoutOrZero.toNanos();
    this.threads = Thread.ofVirtual().name(name + "-request");
    long shortest =
        requestTimeoutNanos > 0
            ? Math.min(headerTimeoutNanos, requestTimeoutNanos)
            : headerTimeoutNanos;
    this.tickNanos = Math.clamp(shortest / 10, MIN_TICK_NANOS, MAX_TICK_NANOS);
    // A platform thread: deadlines must fire even when every carrier of the virtual threads is
    // busy.
    this.watchdog =
        Thread.ofPlatform().daemon(true).name(name + "-deadlines").start(this::watchDeadlines);
  }

  @Override
  public void execute(Runnable exchange) {
    if (closed) {
      throw new RejectedExecutionException(name + " is stopping");
    }
    if (count.incrementAndGet() > maxRequests && !evictSlowestHeaders()) {
      count.decrementAndGet();
      refused.incrementAndGet();
      if (warnedFull.compareAndSet(false, true)) {
        LOG.log(
            Level.WARNING,
            "{0}: {1} requests in flight, all past their headers; refusing new connections until"
                + " one finishes (logged once)",
            name,
            maxRequests);
      }
      throw new RejectedExecutionException(name + ": " + maxRequests + " requests in flight");
    }
    Request request = new Request(System.nanoTime(), headerTimeoutNanos);
    Thread thread;
    try {
      thread = threads.unstarted(() -> run(request, exchange));
    } catch (RuntimeException | Error e) {
      count.decrementAndGet();
      throw e;
    }
    request.thread = thread;
    inFlight.add(request);
    thread.start();
  }

  private void run(Request request, Runnable exchange) {
    current.set(request);
    try {
      exchange.run();
    } finally {
      request.stage.set(Stage.DONE);
      inFlight.remove(request);
      count.decrementAndGet();
    }
  }

  /**
   * Called on the request's thread when its headers are read and the handler is about to run.
   *
   * @return false when the request was evicted or timed out in the meantime (its connection is
   *     being closed and the handler must not run)
   */
  boolean headersDone() {
    Request request = current.get();
    if (request == null) {
      return true; // not one of ours (a test calling the handler directly)
    }
    Stage stage = request.stage();
    Stage next =
        requestTimeoutNanos > 0
            ? Stage.handler(System.nanoTime() + requestTimeoutNanos)
            : Stage.handler(Long.MAX_VALUE);
    return stage.headers && request.stage.compareAndSet(stage, next);
  }

  /** Interrupts the request that has waited longest for its headers; false if none waits. */
  private boolean evictSlowestHeaders() {
    while (true) {
      Request slowest = null;
      Stage slowestStage = null;
      for (Request request : inFlight) {
        Stage stage = request.stage();
        if (stage.headers && (slowest == null || request.started - slowest.started < 0)) {
          slowest = request;
          slowestStage = stage;
        }
      }
      if (slowest == null) {
        return false;
      }
      if (slowest.cancel(Objects.requireNonNull(slowestStage), evicted)) {
        return true;
      }
      // It moved on to its handler or finished meanwhile: look again.
    }
  }

  private void watchDeadlines() {
    while (!closed) {
      long now = System.nanoTime();
      for (Request request : inFlight) {
        Stage stage = request.stage();
        if (stage.due != Long.MAX_VALUE && now - stage.due >= 0) {
          request.cancel(stage, timedOut);
        }
      }
      try {
        Thread.sleep(Duration.ofNanos(tickNanos));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Requests in flight now, evicted ones included until their thread ends. */
  int inFlight() {
    return count.get();
  }

  /** Connections refused because every request in flight was past its headers. */
  long refused() {
    return refused.get();
  }

  /** Requests evicted while waiting for their headers, to make room for a new one. */
  long evicted() {
    return evicted.get();
  }

  /** Requests closed at their header or request deadline. */
  long timedOut() {
    return timedOut.get();
  }

  /** Refuses new requests and interrupts those in flight (their connections close). */
  @Override
  public void close() {
    closed = true;
    watchdog.interrupt();
    for (Request request : inFlight) {
      request.cancel(request.stage(), null);
    }
  }

  /** Where a request is: reading headers or in its handler, until when; or cancelled, or done. */
  private record Stage(boolean headers, long due, boolean over) {
    static final Stage CANCELLED = new Stage(false, Long.MAX_VALUE, true);
    static final Stage DONE = new Stage(false, Long.MAX_VALUE, true);

    static Stage headers(long due) {
      return new Stage(true, due, false);
    }

    static Stage handler(long due) {
      return new Stage(false, due, false);
    }
  }

  private static final class Request {
    final long started;
    final AtomicReference<Stage> stage;
    volatile @Nullable Thread thread;

    Request(long started, long headerTimeoutNanos) {
      this.started = started;
      this.stage = new AtomicReference<>(Stage.headers(started + headerTimeoutNanos));
    }

    /** The current stage; never null (AtomicReference only says it could be). */
    Stage stage() {
      return Objects.requireNonNull(stage.get());
    }

    /**
     * Interrupts the request if it is still at {@code seen} (the interrupt closes its channel) and
     * counts it in {@code counter} (unless null) first, so the count is there once it is closed.
     */
    boolean cancel(Stage seen, @Nullable AtomicLong counter) {
      if (seen.over || !stage.compareAndSet(seen, Stage.CANCELLED)) {
        return false;
      }
      if (counter != null) {
        counter.incrementAndGet();
      }
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
      return true;
    }
  }
}
