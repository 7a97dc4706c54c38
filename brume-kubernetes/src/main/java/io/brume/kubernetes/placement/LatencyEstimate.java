package io.brume.kubernetes.placement;

/** Estimated RTT in ms between two nodes by index; NaN when unknown. */
@FunctionalInterface
public interface LatencyEstimate {
  double millis(int from, int to);
}
