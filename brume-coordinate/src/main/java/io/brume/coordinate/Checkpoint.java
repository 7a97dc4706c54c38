package io.brume.coordinate;

import java.util.Locale;

/**
 * Accuracy of the coordinates after {@code rounds} rounds: one point of an evaluation's convergence
 * curve, measured over all known pairs exactly as the final result.
 *
 * @param rounds rounds simulated so far
 * @param medianRelativeError median over all known pairs of |predicted − measured| / measured
 * @param p90RelativeError 90th percentile of the same
 * @param nearestOf5Accuracy nearest-of-5 accuracy on the evaluation's trials
 */
public record Checkpoint(
    int rounds, double medianRelativeError, double p90RelativeError, double nearestOf5Accuracy) {

  /**
   * One JSON object with the field names of {@link EvaluationResult#toJson()}; a metric that is not
   * a number (nearest-of-5 on fewer than 6 nodes) is {@code null}.
   */
  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"rounds\":%d,\"median_relative_error\":%s,\"p90_relative_error\":%s,"
            + "\"nearest_of_5_accuracy\":%s}",
        rounds,
        JsonNumbers.format(medianRelativeError, 6),
        JsonNumbers.format(p90RelativeError, 6),
        JsonNumbers.format(nearestOf5Accuracy, 6));
  }
}
