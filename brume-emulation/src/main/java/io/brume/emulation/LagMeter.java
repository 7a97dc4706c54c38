package io.brume.emulation;

/**
 * How late the relays deliver: the time between a datagram's or chunk's deadline and the moment it
 * is actually sent. On an idle machine it is a fraction of a millisecond; when the machine is busy,
 * thread wake-ups come late and this lag adds to every emulated delay, so the dashboard shows it
 * next to the latencies. Thread-safe.
 */
final class LagMeter {
  private long sumNanos;
  private long count;
  private double lastMeanMillis = Double.NaN;

  /** Records one delivery made {@code lateNanos} after its deadline (negative counts as 0). */
  synchronized void record(long lateNanos) {
    sumNanos += Math.max(0, lateNanos);
    count++;
  }

  /** Closes the current window: its mean lag becomes {@link #meanMillis()}. */
  synchronized void endWindow() {
    if (count > 0) {
      lastMeanMillis = sumNanos / 1e6 / count;
    }
    sumNanos = 0;
    count = 0;
  }

  /** Mean lag of the last closed window, ms; NaN before any delivery. */
  synchronized double meanMillis() {
    return lastMeanMillis;
  }
}
