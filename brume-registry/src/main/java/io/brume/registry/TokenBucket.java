package io.brume.registry;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A token bucket limiting bytes per second, shared by all streams of one pull so that {@code
 * --limit-rate} bounds the total. Thread-safe; waiting threads sleep through the injected {@link
 * Sleeper} so tests need no real time.
 */
public final class TokenBucket {

  private final long bytesPerSecond;
  private final long capacity;
  private final LongSupplier nanoClock;
  private final Sleeper sleeper;
  private final ReentrantLock lock = new ReentrantLock(true);
  private double tokens;
  private long lastRefill;

  /** A bucket on the system clock with a burst of a quarter second (at least 16 KiB). */
  public static TokenBucket perSecond(long bytesPerSecond) {
    return new TokenBucket(bytesPerSecond, System::nanoTime, Sleeper.system());
  }

  /** A bucket with an injected nanosecond clock and sleeper. */
  public TokenBucket(long bytesPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive, got " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    // A small burst keeps the stream smooth without letting it run far ahead of the rate.
    this.capacity = Math.max(bytesPerSecond / 4, 16 * 1024);
    this.nanoClock = nanoClock;
    this.sleeper = sleeper;
    this.lastRefill = nanoClock.getAsLong();
    this.tokens = 0;
  }

  /** The configured rate. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /**
   * Takes up to {@code wanted} bytes of allowance, waiting until at least one is available; returns
   * how many were granted (never more than the burst capacity).
   */
  public int acquire(int wanted) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      // Wait for a useful chunk (about 20 ms worth) rather than single bytes, so a slow rate does
      // not turn into one tiny read per wake-up.
      double needed = Math.min(wanted, Math.max(1, Math.min(capacity, bytesPerSecond / 50)));
      while (true) {
        refill();
        if (tokens >= needed) {
          int granted = (int) Math.min(wanted, Math.floor(tokens));
          tokens -= granted;
          return granted;
        }
        long waitNanos = (long) Math.ceil((needed - tokens) * 1_000_000_000.0 / bytesPerSecond);
        sleeper.sleep(java.time.Duration.ofNanos(Math.max(waitNanos, 1)));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns allowance that was {@link #acquire acquired} but not used: a read may deliver fewer
   * bytes than it was allowed, and keeping the rest would make the stream slower than the rate.
   */
  public void giveBack(int unused) {
    if (unused <= 0) {
      return;
    }
    lock.lock();
    try {
      tokens = Math.min(capacity, tokens + unused);
    } finally {
      lock.unlock();
    }
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    long elapsed = now - lastRefill;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * (double) bytesPerSecond / 1_000_000_000.0);
      lastRefill = now;
    }
  }
}
