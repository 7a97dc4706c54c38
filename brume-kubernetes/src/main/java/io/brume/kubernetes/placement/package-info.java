/**
 * Latency-driven replica placement: a pure planner ({@link
 * io.brume.kubernetes.placement.PlacementPlanner}) whose {@code nextMove} steps one replica at a
 * time with hysteresis, and the offline evaluation against kube-scheduler's spreading.
 */
package io.brume.kubernetes.placement;
