package io.brume.coordinate;

import java.util.Arrays;

/**
 * Moving-percentile filter of one peer's recent RTT samples ([2], [4]); not thread-safe, owned by a
 * {@link VivaldiClient}. Serf keeps the last 3 samples and uses the median.
 */
final class LatencyFilter {
  private final double[] samples;
  private final long[] timesNanos;
  private final double[] scratch;
  private int size;
  private int next;

  LatencyFilter(int capacity) {
    samples = new double[capacity];
    timesNanos = new long[capacity];
    scratch = new double[capacity];
  }

  /**
   * Adds an RTT sample in ms taken at {@code nowNanos} and returns the filtered RTT, ms. Samples
   * older than {@code maxAgeNanos} (when > 0) are dropped first.
   */
  double add(double rttMillis, long nowNanos, long maxAgeNanos, double percentile) {
    if (maxAgeNanos > 0) {
      expire(nowNanos, maxAgeNanos);
    }
    samples[next] = rttMillis;
    timesNanos[next] = nowNanos;
    next = (next + 1) % samples.length;
    if (size < samples.length) {
      size++;
    }
    // The ring holds the newest `size` samples; which slots they occupy does not matter for a
    // percentile.
    int n = 0;
    for (int i = 0; i < samples.length && n < size; i++) {
      int slot = (next - 1 - i + samples.length) % samples.length;
      scratch[n++] = samples[slot];
    }
    Arrays.sort(scratch, 0, n);
    int index = Math.min(n - 1, (int) Math.floor(percentile * n));
    return scratch[index];
  }

  private void expire(long nowNanos, long maxAgeNanos) {
    boolean anyExpired = false;
    for (int i = 0; i < size && !anyExpired; i++) {
      anyExpired =
          nowNanos - timesNanos[(next - 1 - i + samples.length) % samples.length] > maxAgeNanos;
    }
    if (!anyExpired) {
      return; // the common case, without allocating
    }
    // Keep only the newest samples that are young enough, compacted in arrival order.
    int kept = 0;
    double[] keptSamples = new double[size];
    long[] keptTimes = new long[size];
    for (int i = size - 1; i >= 0; i--) {
      int slot = (next - 1 - i + samples.length) % samples.length;
      if (nowNanos - timesNanos[slot] <= maxAgeNanos) {
        keptSamples[kept] = samples[slot];
        keptTimes[kept] = timesNanos[slot];
        kept++;
      }
    }
    if (kept == size) {
      return;
    }
    for (int i = 0; i < kept; i++) {
      samples[i] = keptSamples[i];
      timesNanos[i] = keptTimes[i];
    }
    size = kept;
    next = kept % samples.length;
  }
}
