package io.brume.emulation;

import java.time.Duration;

/** Waiting until a deadline on {@link System#nanoTime()}, the clock every relay uses. */
final class Delays {
  private Delays() {}

  /** The deadline {@code delay} from now, in {@link System#nanoTime()} units. */
  static long deadline(Duration delay) {
    return System.nanoTime() + delay.toNanos();
  }

  /** Blocks until {@code deadlineNanos}; returns at once if it has passed. */
  static void sleepUntil(long deadlineNanos) throws InterruptedException {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining > 0) {
      Thread.sleep(Duration.ofNanos(remaining));
    }
  }

  /** Half of an RTT given in ms, the one-way delay of each direction. */
  static Duration oneWay(double rttMillis) {
    return Duration.ofNanos(Math.round(rttMillis * 1e6 / 2));
  }
}
