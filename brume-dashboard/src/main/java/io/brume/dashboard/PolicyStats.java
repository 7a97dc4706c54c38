package io.brume.dashboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The traffic one policy carried so far.
 *
 * @param name the policy's name, for example {@code "random"}
 * @param meanLatencyMillis mean end-to-end latency of completed requests, ms (NaN before any)
 * @param p95LatencyMillis 95th percentile of the same, ms (NaN before any)
 * @param requests completed requests
 * @param maxMeanLoad the largest, over replicas, mean utilisation (requests received per second
 *     over capacity) since the start
 * @param meanLoadByReplica replica id to its mean utilisation since the start
 * @param series latency over time, oldest first
 */
public record PolicyStats(
    String name,
    double meanLatencyMillis,
    double p95LatencyMillis,
    long requests,
    double maxMeanLoad,
    Map<String, Double> meanLoadByReplica,
    List<LatencySample> series) {

  /** Copies the collections. */
  public PolicyStats {
    Objects.requireNonNull(name, "name");
    meanLoadByReplica = Collections.unmodifiableMap(new LinkedHashMap<>(meanLoadByReplica));
    series = List.copyOf(series);
  }

  /**
   * The latency of one time interval.
   *
   * @param atSeconds end of the interval, seconds since the start
   * @param meanLatencyMillis mean latency of the requests completed in the interval, ms
   * @param requests requests completed in the interval
   */
  public record LatencySample(double atSeconds, double meanLatencyMillis, long requests) {}
}
