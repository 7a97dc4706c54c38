package io.brume.coordinate;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Accuracy of a set of coordinates against an {@link RttMatrix}, as {@code brume vivaldi eval}
 * reports it.
 *
 * @param nodes nodes in the matrix
 * @param pairs known unordered pairs evaluated
 * @param rounds simulated rounds
 * @param medianRelativeError median over all known pairs of |predicted − measured| / measured
 * @param p90RelativeError 90th percentile of the same
 * @param nearestOf5Accuracy fraction of trials where, among 5 random candidates of a random node,
 *     the one with the lowest predicted RTT truly has the lowest RTT
 * @param roundsTo1_2xFinalMedian first round after which the median relative error (on a fixed
 *     sample of pairs) is within 1.2× of its final value
 * @param stabilityMillisPerRound coordinate stability: median over nodes of how far a coordinate
 *     moved in one round (‖Δvector‖ + |Δheight|, ms), averaged over the last tenth of the rounds
 * @param curve the convergence curve: the same accuracy after each of {@link
 *     VivaldiEvaluation#horizons(int)} rounds, the last being this result's
 */
public record EvaluationResult(
    int nodes,
    long pairs,
    int rounds,
    double medianRelativeError,
    double p90RelativeError,
    double nearestOf5Accuracy,
    int roundsTo1_2xFinalMedian,
    double stabilityMillisPerRound,
    List<Checkpoint> curve) {

  /** Copies the curve. */
  public EvaluationResult {
    curve = List.copyOf(curve);
  }

  /** JSON field name of {@link #roundsTo1_2xFinalMedian()}. */
  public static final String ROUNDS_FIELD = "rounds_to_1_2x_final_median";

  /** JSON field name of {@link #stabilityMillisPerRound()}. */
  public static final String STABILITY_FIELD = "stability_ms_per_round";

  /**
   * True if every metric that applies is a number. Nearest-of-5 does not apply (is NaN) when no
   * node has 5 others with known RTTs, e.g. on fewer than 6 nodes; see {@link
   * #nearestOf5Applies()}.
   */
  public boolean isFinite() {
    return Double.isFinite(medianRelativeError)
        && Double.isFinite(p90RelativeError)
        && (Double.isFinite(nearestOf5Accuracy) || !nearestOf5Applies())
        && Double.isFinite(stabilityMillisPerRound)
        && curve.stream()
            .allMatch(
                c ->
                    Double.isFinite(c.medianRelativeError())
                        && Double.isFinite(c.p90RelativeError())
                        && (Double.isFinite(c.nearestOf5Accuracy()) || !nearestOf5Applies()));
  }

  /** False when no nearest-of-5 trial was possible (no node has 5 others with known RTTs). */
  public boolean nearestOf5Applies() {
    return !Double.isNaN(nearestOf5Accuracy);
  }

  /**
   * One JSON object with the field names of issue 4, plus {@code nodes}; always valid JSON: a
   * metric that is not a number (nearest-of-5 on fewer than 6 nodes) is {@code null}.
   */
  public String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"nodes\":%d,\"median_relative_error\":%s,\"p90_relative_error\":%s,"
            + "\"nearest_of_5_accuracy\":%s,\"%s\":%d,\"%s\":%s}",
        nodes,
        JsonNumbers.format(medianRelativeError, 6),
        JsonNumbers.format(p90RelativeError, 6),
        JsonNumbers.format(nearestOf5Accuracy, 6),
        ROUNDS_FIELD,
        roundsTo1_2xFinalMedian,
        STABILITY_FIELD,
        JsonNumbers.format(stabilityMillisPerRound, 6));
  }

  /**
   * {@link #toJson()} plus {@code curve}: an array of {@link Checkpoint#toJson()}, one per horizon.
   */
  public String toJsonWithCurve() {
    String plain = toJson();
    return plain.substring(0, plain.length() - 1)
        + ",\"curve\":["
        + curve.stream().map(Checkpoint::toJson).collect(Collectors.joining(","))
        + "]}";
  }
}
