package io.brume.emulation;

import io.brume.dashboard.PolicyStats.LatencySample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The latencies one policy's requests got: a fixed-resolution histogram for the mean and p95 over
 * the whole run (constant memory however long it runs), plus the mean per interval for the chart.
 * Thread-safe.
 */
final class LatencyRecorder {
  /** Histogram resolution, ms. */
  static final double BIN_MILLIS = 0.1;

  private static final int BINS = 600_000; // 60 s; slower requests land in the last bin
  private static final int MAX_SERIES = 900;

  private final long[] histogram = new long[BINS];
  private final ArrayDeque<LatencySample> series = new ArrayDeque<>();
  private long count;
  private double sum;
  private long failures;
  private long intervalCount;
  private double intervalSum;

  synchronized void record(double latencyMillis) {
    int bin = (int) Math.min(BINS - 1, Math.max(0, latencyMillis / BIN_MILLIS));
    histogram[bin]++;
    count++;
    sum += latencyMillis;
    intervalCount++;
    intervalSum += latencyMillis;
  }

  synchronized void recordFailure() {
    failures++;
  }

  /** Closes the current interval at {@code atSeconds} and starts the next one. */
  synchronized void endInterval(double atSeconds) {
    double mean = intervalCount == 0 ? Double.NaN : intervalSum / intervalCount;
    series.addLast(new LatencySample(atSeconds, mean, intervalCount));
    if (series.size() > MAX_SERIES) {
      series.removeFirst();
    }
    intervalCount = 0;
    intervalSum = 0;
  }

  synchronized long count() {
    return count;
  }

  synchronized long failures() {
    return failures;
  }

  /** Mean latency, ms; NaN before any request. */
  synchronized double meanMillis() {
    return count == 0 ? Double.NaN : sum / count;
  }

  /**
   * The {@code q}-quantile (0 < q ≤ 1) of the latencies, ms, to {@link #BIN_MILLIS}: the upper edge
   * of the bin holding the ⌈q·n⌉-th smallest value. NaN before any request.
   */
  synchronized double quantileMillis(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int bin = 0; bin < BINS; bin++) {
      seen += histogram[bin];
      if (seen >= rank) {
        return (bin + 1) * BIN_MILLIS;
      }
    }
    return BINS * BIN_MILLIS;
  }

  synchronized List<LatencySample> series() {
    return new ArrayList<>(series);
  }
}
