/**
 * Replica placement, pure and deterministic: {@link io.brume.router.placement.PlacementPlanner}
 * plans where K replicas go for a demand-weighted latency percentile, steps one replica at a time
 * with hysteresis for the Kubernetes placement controller and the scheduler extender, spreads
 * replicas out (farthest first) for the emulated fog, and balances them (local search) for the
 * routing simulator.
 */
package io.brume.router.placement;
