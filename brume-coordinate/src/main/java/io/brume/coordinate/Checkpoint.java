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

  /** One JSON object with the field names of {@link EvaluationResult#toJson()}. */
  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"rounds\":%d,\"median_relative_error\":%.6f,\"p90_relative_error\":%.6f,"
            + "\"nearest_of_5_accuracy\":%.6f}",
        rounds,
        medianRelativeError,
        p90RelativeError,
        nearestOf5Accuracy);
  }
}
