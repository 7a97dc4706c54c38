package io.brume.router;

/**
 * What one policy achieved over the measured requests (issued after the warm-up).
 *
 * @param meanLatencyMillis mean end-to-end latency: network RTT + queueing + service
 * @param p95LatencyMillis 95th percentile (nearest rank)
 * @param p99LatencyMillis 99th percentile (nearest rank)
 * @param maxMeanLoad the busiest replica's offered load over the mean replica's
 * @param maxUtilisation the busiest replica's offered load over its capacity; above 1 its queue
 *     grows without bound
 * @param requests number of measured requests
 */
public record PolicyResult(
    double meanLatencyMillis,
    double p95LatencyMillis,
    double p99LatencyMillis,
    double maxMeanLoad,
    double maxUtilisation,
    long requests) {}
