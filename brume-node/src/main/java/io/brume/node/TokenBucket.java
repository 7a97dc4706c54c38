package io.brume.node;

/** A small token bucket: {@code rate} tokens per second, burst of {@code rate}. Thread-safe. */
final class TokenBucket {
  private final double rate;
  private double tokens;
  private long last;

  TokenBucket(double rate, long nowNanos) {
    this.rate = rate;
    this.tokens = rate;
    this.last = nowNanos;
  }

  synchronized boolean tryTake(long nowNanos) {
    tokens = Math.min(rate, tokens + (nowNanos - last) / 1e9 * rate);
    last = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
