package io.brume.router;

import java.util.random.RandomGenerator;

/**
 * How one node spreads a service's requests over its ready endpoints.
 *
 * <p>A policy instance belongs to one routing node (each node computes its own weights). It offers
 * the two shapes the data planes need:
 *
 * <ul>
 *   <li>{@link #choose}: a per-request decision for the user-space proxy;
 *   <li>{@link #weights}: a probability per ready endpoint for the kernel data plane, which can
 *       only split connections statically until the next reprogramming.
 * </ul>
 *
 * <p>For every policy, {@code choose} draws from exactly the distribution {@code weights} returns
 * for the same view and state, so both data planes behave alike. Both are deterministic given the
 * view, the policy's state and the injected {@link RandomGenerator}; no policy reads a clock or a
 * global random source on its own.
 *
 * <p>Feedback hooks ({@link #requestStarted}, {@link #requestFinished}, {@link #loadReported}) are
 * thread-safe and may be called from any thread; stateless policies ignore them. A proxy calls
 * {@code requestStarted} when it sends a request to the chosen endpoint and {@code requestFinished}
 * exactly once when the response is complete or the request failed.
 */
public interface RoutingPolicy {

  /** The policy's name as given on the command line, for example {@code "proximity-alpha"}. */
  String name();

  /** Picks the endpoint for one request. */
  ServiceReplica choose(LocalView view, RandomGenerator random);

  /** The probability of each ready endpoint, normalised to sum to 1. */
  EndpointWeights weights(LocalView view);

  /** A request was sent to {@code endpointId}. */
  default void requestStarted(String endpointId) {}

  /**
   * A request to {@code endpointId} completed after {@code latencyMillis} (end to end, as the
   * client saw it).
   */
  default void requestFinished(String endpointId, double latencyMillis) {}

  /**
   * The endpoint reported its offered load: arrival rate over capacity, so 1.0 means exactly at
   * capacity and more means its queue grows. Reports come from the replicas themselves (piggybacked
   * or gossiped).
   */
  default void loadReported(String endpointId, double utilisation) {}
}
