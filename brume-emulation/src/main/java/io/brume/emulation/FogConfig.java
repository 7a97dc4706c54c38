package io.brume.emulation;

import io.brume.coordinate.RttMatrix;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link EmulatedFog} emulates.
 *
 * @param dataset the true RTTs, every pair known; the fog uses {@code nodes} of its nodes, spread
 *     out
 * @param nodes number of nodes, 2..dataset size
 * @param replicas number of demo replicas, placed on spread-out nodes, 1..nodes
 * @param requestsPerSecondPerNode client load from every node (Poisson arrivals), sent to both
 *     compared policies
 * @param serviceTime time one request holds a replica's worker
 * @param workersPerReplica concurrent requests a replica serves; capacity = workers / serviceTime
 * @param probeInterval mean time between two probes of one node
 * @param warmUp probing time before the client load starts
 * @param brumePolicy the router policy compared with {@code random}
 * @param seed seed of every random choice (probe peers, arrivals, routing draws)
 */
public record FogConfig(
    RttMatrix dataset,
    int nodes,
    int replicas,
    double requestsPerSecondPerNode,
    Duration serviceTime,
    int workersPerReplica,
    Duration probeInterval,
    Duration warmUp,
    String brumePolicy,
    long seed) {

  /** Validates; messages name the field. */
  public FogConfig {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(serviceTime, "serviceTime");
    Objects.requireNonNull(probeInterval, "probeInterval");
    Objects.requireNonNull(warmUp, "warmUp");
    Objects.requireNonNull(brumePolicy, "brumePolicy");
    if (nodes < 2 || nodes > dataset.size()) {
      throw new IllegalArgumentException(
          "nodes must be in 2.." + dataset.size() + " (the dataset's size), got " + nodes);
    }
    requireEveryPair(dataset);
    if (replicas < 1 || replicas > nodes) {
      throw new IllegalArgumentException("replicas must be in 1.." + nodes + ", got " + replicas);
    }
    if (!(requestsPerSecondPerNode > 0 && requestsPerSecondPerNode <= 1000)) {
      throw new IllegalArgumentException(
          "requestsPerSecondPerNode must be in (0, 1000], got " + requestsPerSecondPerNode);
    }
    if (!serviceTime.isPositive() || !probeInterval.isPositive() || warmUp.isNegative()) {
      throw new IllegalArgumentException(
          "serviceTime and probeInterval must be > 0 and warmUp >= 0, got "
              + serviceTime
              + ", "
              + probeInterval
              + ", "
              + warmUp);
    }
    if (workersPerReplica < 1) {
      throw new IllegalArgumentException(
          "workersPerReplica must be >= 1, got " + workersPerReplica);
    }
  }

  /**
   * Checks that {@code dataset} knows the RTT of every pair of nodes, as the emulation needs.
   *
   * @throws IllegalArgumentException naming the data set's source and the first missing pair
   */
  public static void requireEveryPair(RttMatrix dataset) {
    for (int i = 0; i < dataset.size(); i++) {
      for (int j = i + 1; j < dataset.size(); j++) {
        if (!dataset.known(i, j)) {
          throw new IllegalArgumentException(
              dataset.source()
                  + ": the RTT between "
                  + dataset.name(i)
                  + " and "
                  + dataset.name(j)
                  + " is missing; the emulation needs every pair's RTT");
        }
      }
    }
  }

  /**
   * The defaults of {@code brume up}: 3 replicas of 20 requests/s each (one worker, 50 ms per
   * request), 2 requests/s from every node (about 40 % of the replicas' total capacity for 12
   * nodes, so where the load goes matters), 5 probes/s per node, 2 s of probing before the load
   * starts, {@code adaptive} against {@code random}. Rates are kept low so that the emulation
   * itself stays light on a small shared machine: every request crosses two relays.
   */
  public static FogConfig defaults(RttMatrix dataset, int nodes) {
    return new FogConfig(
        dataset,
        nodes,
        Math.min(3, nodes),
        2.0,
        Duration.ofMillis(50),
        1,
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        "adaptive",
        1L);
  }
}
