package io.brume.proxy;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Read timeouts for the proxy's sockets, enforced by one watchdog thread that closes a socket whose
 * read waited too long, instead of {@code Socket.setSoTimeout}.
 *
 * <p>Why: with a socket timeout, every read that has to wait is a timed park. On a virtual thread
 * that schedules (and cancels) a task on the JDK's delay scheduler, which wakes its thread, and on
 * a platform thread it turns one blocking {@code read} into non-blocking read, {@code poll} and
 * read again. Measured on the proxy bench (docs/bench/proxy.md) that was a large share of the
 * per-request cost. Here a read only stores its deadline; the watchdog ticks a few times per
 * timeout, so a timeout fires up to one tick late.
 */
final class ReadDeadlines implements AutoCloseable {
  private static final long MIN_TICK_NANOS = Duration.ofMillis(10).toNanos();
  private static final long MAX_TICK_NANOS = Duration.ofMillis(500).toNanos();

  private final Set<Deadline> deadlines = ConcurrentHashMap.newKeySet();
  private final long tickNanos;
  private final Thread watchdog;
  private volatile boolean closed;

  /** Starts the watchdog, ticking 20 times per {@code shortestTimeout} (10–500 ms). */
  ReadDeadlines(Duration shortestTimeout) {
    this.tickNanos = Math.clamp(shortestTimeout.toNanos() / 20, MIN_TICK_NANOS, MAX_TICK_NANOS);
    this.watchdog =
        Thread.ofPlatform().daemon(true).name("brume-proxy-read-deadlines").start(this::watch);
  }

  /** How often overdue reads are looked for; the event loop sweeps its deadlines as often. */
  long tickNanos() {
    return tickNanos;
  }

  /** Starts watching the reads of {@code socket}; call {@link Deadline#close()} when done. */
  Deadline watch(Socket socket, Duration timeout) {
    Deadline deadline = new Deadline(socket, timeout.toNanos());
    deadlines.add(deadline);
    return deadline;
  }

  private void watch() {
    while (!closed) {
      long now = System.nanoTime();
      for (Deadline deadline : deadlines) {
        deadline.expireIfDue(now);
      }
      try {
        Thread.sleep(Duration.ofNanos(tickNanos));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.interrupt();
  }

  /** The read deadline of one socket. */
  final class Deadline implements AutoCloseable {
    /** No read in progress. */
    private static final long IDLE = 0;

    /** The watchdog closed the socket. */
    private static final long EXPIRED = -1;

    private final Socket socket;
    private final long timeoutNanos;

    /** IDLE, EXPIRED or the nanoTime a read in progress times out at (never 0 or -1 then). */
    private final AtomicLong state = new AtomicLong(IDLE);

    private Deadline(Socket socket, long timeoutNanos) {
      this.socket = socket;
      this.timeoutNanos = timeoutNanos;
    }

    /** An absolute limit on reads until {@link #clearLimit()}: {@code limitNanos} if armed. */
    private volatile boolean limited;

    private volatile long limitNanos;
    private volatile long limitMillis;

    /** Before a read. */
    void start() {
      long now = System.nanoTime();
      long due = now + timeoutNanos;
      if (limited && limitNanos - due < 0) {
        due = limitNanos;
      }
      state.compareAndSet(IDLE, due == IDLE || due == EXPIRED ? 1 : due);
    }

    /**
     * Reads from now on also end {@code limit} from now at the latest, whatever they receive: the
     * deadline of a whole request head, which a per-read timeout cannot enforce against a client
     * that sends one byte at a time.
     */
    void limitFromNow(Duration limit) {
      limitNanos = System.nanoTime() + limit.toNanos();
      limitMillis = limit.toMillis();
      limited = true;
    }

    /** Back to the per-read timeout only. */
    void clearLimit() {
      limited = false;
    }

    /** What expired, for the timeout's message. */
    String describeTimeout() {
      return limited
          ? "no complete request head within " + limitMillis + " ms"
          : "nothing for " + timeoutNanos / 1_000_000 + " ms";
    }

    /**
     * After a read, whether it succeeded or failed.
     *
     * @return false when the watchdog expired the read first (the socket is closed or closing), so
     *     the caller must report a timeout whatever the read returned
     */
    boolean finish() {
      long current = state.get();
      return current != EXPIRED && state.compareAndSet(current, IDLE);
    }

    private void expireIfDue(long now) {
      long due = state.get();
      if (due != IDLE && due != EXPIRED && now - due >= 0 && state.compareAndSet(due, EXPIRED)) {
        try {
          socket.close(); // wakes the blocked reader with an exception
        } catch (IOException e) {
          // Closing anyway: the reader sees a failed read either way.
        }
      }
    }

    /** Stops watching (the socket is being closed by its owner). */
    @Override
    public void close() {
      deadlines.remove(this);
    }
  }
}
