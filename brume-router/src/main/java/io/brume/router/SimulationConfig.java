package io.brume.router;

import java.util.Objects;

/**
 * One routing simulation: the fog built from an RTT matrix and the load offered to it.
 *
 * @param nodes N, nodes drawn (seeded, without replacement) from the data set; each hosts clients
 * @param replicas K, replicas of the service, each on a distinct node
 * @param placement how the K replica nodes are chosen
 * @param load ρ, offered load over total capacity: Σ arrival rates = ρ·K·capacity; in (0, 1) for a
 *     stable system
 * @param hotspot fraction of all requests issued by the nodes of one region (the truly-nearest cell
 *     of the replica serving the most nodes), the rest spread evenly over the other nodes; 0 for
 *     uniform demand
 * @param alpha α of {@code proximity-alpha}
 * @param n n of {@code n-nearest-by-load}
 * @param serviceTimeMillis mean of the exponential service time of a request at a replica
 * @param serversPerReplica parallel workers of a replica; capacity = servers / service time
 * @param durationSeconds simulated time during which clients issue requests
 * @param warmupSeconds requests issued before this are simulated but not measured (feedback
 *     settles)
 * @param reportIntervalMillis period of the replicas' load reports, delivered to every node
 *     (gossip)
 * @param vivaldiRounds rounds of the Vivaldi simulation that computes the coordinates used for
 *     routing
 * @param seed seeds every random choice: node sample, Vivaldi, placement, arrivals, service times,
 *     routing
 * @param adaptive knobs of the {@code adaptive} policy
 */
public record SimulationConfig(
    int nodes,
    int replicas,
    Placement placement,
    double load,
    double hotspot,
    double alpha,
    int n,
    double serviceTimeMillis,
    int serversPerReplica,
    double durationSeconds,
    double warmupSeconds,
    double reportIntervalMillis,
    int vivaldiRounds,
    long seed,
    AdaptiveConfig adaptive) {

  /** Where replicas go. */
  public enum Placement {
    /**
     * Proximity placement with balanced cells, as a fog scheduler would do (Hona, ICSOC 2020): the
     * K nodes that minimise the mean <em>estimated</em> RTT from every node to its nearest replica,
     * subject to no replica's nearest-cell demand exceeding 1.2× the mean (local search with
     * restarts).
     */
    BALANCED,
    /** K nodes drawn uniformly at random. */
    RANDOM
  }

  /** Validates the fields; messages name the command-line option's meaning. */
  public SimulationConfig {
    Objects.requireNonNull(placement, "placement");
    Objects.requireNonNull(adaptive, "adaptive");
    require(nodes >= 2, "nodes must be >= 2, got " + nodes);
    require(
        replicas >= 1 && replicas <= nodes,
        "replicas must be in [1, nodes=" + nodes + "], got " + replicas);
    require(load > 0 && load < 1, "load must be in (0, 1), got " + load);
    require(hotspot >= 0 && hotspot < 1, "hotspot must be in [0, 1), got " + hotspot);
    require(alpha >= 0 && alpha <= 1, "alpha must be in [0, 1], got " + alpha);
    require(n >= 1, "n must be >= 1, got " + n);
    require(serviceTimeMillis > 0, "serviceTimeMillis must be > 0, got " + serviceTimeMillis);
    require(serversPerReplica >= 1, "serversPerReplica must be >= 1, got " + serversPerReplica);
    require(
        warmupSeconds >= 0 && durationSeconds > warmupSeconds,
        "need 0 <= warmup < duration, got warmup "
            + warmupSeconds
            + " s, duration "
            + durationSeconds
            + " s");
    require(
        reportIntervalMillis > 0, "reportIntervalMillis must be > 0, got " + reportIntervalMillis);
    require(vivaldiRounds >= 1, "vivaldiRounds must be >= 1, got " + vivaldiRounds);
  }

  /**
   * The benchmark's setting: 50 nodes, 5 replicas, balanced placement, ρ = 0.5, uniform demand, α
   * and n {@link RoutingPolicies}' defaults (0.8, 2), 5 ms service on 4 workers (800 rps per
   * replica), 120 s of which 20 s warm-up, reports every 250 ms, 300 Vivaldi rounds, seed 1.
   */
  public static SimulationConfig defaults() {
    return new SimulationConfig(
        50,
        5,
        Placement.BALANCED,
        0.5,
        0,
        RoutingPolicies.DEFAULT_ALPHA,
        RoutingPolicies.DEFAULT_N,
        5,
        4,
        120,
        20,
        250,
        300,
        1,
        AdaptiveConfig.defaults());
  }

  /** Requests per second one replica can serve. */
  public double capacityRps() {
    return serversPerReplica * 1000.0 / serviceTimeMillis;
  }

  /** A copy with another size. */
  public SimulationConfig withTopology(int newNodes, int newReplicas, Placement newPlacement) {
    return new SimulationConfig(
        newNodes,
        newReplicas,
        newPlacement,
        load,
        hotspot,
        alpha,
        n,
        serviceTimeMillis,
        serversPerReplica,
        durationSeconds,
        warmupSeconds,
        reportIntervalMillis,
        vivaldiRounds,
        seed,
        adaptive);
  }

  /** A copy with another demand. */
  public SimulationConfig withDemand(double newLoad, double newHotspot) {
    return new SimulationConfig(
        nodes,
        replicas,
        placement,
        newLoad,
        newHotspot,
        alpha,
        n,
        serviceTimeMillis,
        serversPerReplica,
        durationSeconds,
        warmupSeconds,
        reportIntervalMillis,
        vivaldiRounds,
        seed,
        adaptive);
  }

  /** A copy with other policy parameters. */
  public SimulationConfig withPolicyParameters(double newAlpha, int newN) {
    return new SimulationConfig(
        nodes,
        replicas,
        placement,
        load,
        hotspot,
        newAlpha,
        newN,
        serviceTimeMillis,
        serversPerReplica,
        durationSeconds,
        warmupSeconds,
        reportIntervalMillis,
        vivaldiRounds,
        seed,
        adaptive);
  }

  /** A copy with another seed. */
  public SimulationConfig withSeed(long newSeed) {
    return new SimulationConfig(
        nodes,
        replicas,
        placement,
        load,
        hotspot,
        alpha,
        n,
        serviceTimeMillis,
        serversPerReplica,
        durationSeconds,
        warmupSeconds,
        reportIntervalMillis,
        vivaldiRounds,
        newSeed,
        adaptive);
  }

  /** A copy simulating another span of time. */
  public SimulationConfig withDuration(double newDurationSeconds, double newWarmupSeconds) {
    return new SimulationConfig(
        nodes,
        replicas,
        placement,
        load,
        hotspot,
        alpha,
        n,
        serviceTimeMillis,
        serversPerReplica,
        newDurationSeconds,
        newWarmupSeconds,
        reportIntervalMillis,
        vivaldiRounds,
        seed,
        adaptive);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("route simulation: " + message);
    }
  }
}
