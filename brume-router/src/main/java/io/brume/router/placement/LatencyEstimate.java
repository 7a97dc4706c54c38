package io.brume.router.placement;

/** Estimated (or measured) RTT in ms between two nodes by index; NaN when unknown. */
@FunctionalInterface
public interface LatencyEstimate {
  double millis(int from, int to);
}
