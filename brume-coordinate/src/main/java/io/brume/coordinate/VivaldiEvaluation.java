package io.brume.coordinate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The accuracy evaluation behind {@code brume vivaldi eval}: simulate, then compare predicted and
 * measured RTTs over all known pairs. Deterministic for a given seed.
 */
public final class VivaldiEvaluation {
  /** Trials of the nearest-of-5 test. */
  public static final int NEAREST_TRIALS = 10_000;

  /** Candidates per nearest-of-k trial. */
  public static final int NEAREST_K = 5;

  /**
   * At most this many pairs are followed round by round (a fixed, evenly spaced sample of the known
   * pairs).
   */
  public static final int TRACKED_PAIRS = 10_000;

  /**
   * Rounds at which the convergence curve is measured (those below the evaluation's length, then
   * its last round): a fog node that joins, or a cluster that restarts, lives in the first ones.
   */
  private static final int[] HORIZONS = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000};

  private VivaldiEvaluation() {}

  /**
   * The rounds of the convergence curve of a {@code rounds}-round evaluation: 10, 20, 50, 100, 200,
   * 500, 1000, 2000, … below {@code rounds}, then {@code rounds}. bench/vivaldi's Serf harness uses
   * the same list.
   */
  public static int[] horizons(int rounds) {
    int[] out = new int[HORIZONS.length + 1];
    int k = 0;
    for (int h : HORIZONS) {
      if (h < rounds) {
        out[k++] = h;
      }
    }
    out[k++] = rounds;
    return Arrays.copyOf(out, k);
  }

  /**
   * Simulates {@code rounds} rounds on a schedule generated from {@code config}, {@code seed} and
   * {@code jitter} (see {@link ProbeSchedule#generate}) and evaluates the result.
   */
  public static EvaluationResult evaluate(
      RttMatrix matrix, VivaldiConfig config, int rounds, long seed, double jitter) {
    return evaluate(
        matrix, config, ProbeSchedule.generate(matrix, config, rounds, seed, jitter), seed);
  }

  /** Replays {@code schedule} and evaluates the result. */
  public static EvaluationResult evaluate(
      RttMatrix matrix, VivaldiConfig config, ProbeSchedule schedule, long seed) {
    return evaluate(matrix, config, schedule, seed, null);
  }

  /**
   * Replays {@code schedule} with every node's samples judged by a {@link SampleGuard} with {@code
   * guard} settings (null: none, as Serf) and evaluates the result.
   */
  public static EvaluationResult evaluate(
      RttMatrix matrix,
      VivaldiConfig config,
      ProbeSchedule schedule,
      long seed,
      SampleGuard.@Nullable Settings guard) {
    int rounds = schedule.rounds();
    int[][] tracked = trackedPairs(matrix);
    double[] medianPerRound = new double[rounds];
    double[] movementPerRound = new double[rounds];
    int n = matrix.size();
    Coordinate[] previous = new Coordinate[n];
    double[] scratch = new double[tracked[0].length];
    double[] moves = new double[n];
    int[][] trials = nearestTrials(matrix, NEAREST_K, NEAREST_TRIALS, seed);
    int[] horizons = horizons(rounds);
    List<Checkpoint> curve = new ArrayList<>(horizons.length);
    VivaldiSimulation.run(
        matrix,
        config,
        schedule,
        seed,
        (round, coords) -> {
          for (int k = 0; k < scratch.length; k++) {
            int i = tracked[0][k];
            int j = tracked[1][k];
            scratch[k] =
                relativeError(matrix.rttMillis(i, j), coords[i].estimateRttMillis(coords[j]));
          }
          medianPerRound[round] = percentile(scratch, 0.5);
          for (int i = 0; i < n; i++) {
            moves[i] = previous[i] == null ? 0.0 : movement(previous[i], coords[i]);
            previous[i] = coords[i];
          }
          movementPerRound[round] = percentile(moves.clone(), 0.5);
          if (Arrays.binarySearch(horizons, round + 1) >= 0) {
            curve.add(checkpoint(matrix, coords, trials, round + 1));
          }
        },
        guard);
    Checkpoint end = curve.get(curve.size() - 1);
    double finalTracked = medianPerRound[rounds - 1];
    int roundsTo = rounds;
    for (int r = 0; r < rounds; r++) {
      if (medianPerRound[r] <= 1.2 * finalTracked) {
        roundsTo = r + 1;
        break;
      }
    }
    int tail = Math.max(1, rounds / 10);
    double stability = 0;
    for (int r = rounds - tail; r < rounds; r++) {
      stability += movementPerRound[r] / tail;
    }
    return new EvaluationResult(
        n,
        matrix.knownPairs(),
        rounds,
        end.medianRelativeError(),
        end.p90RelativeError(),
        end.nearestOf5Accuracy(),
        roundsTo,
        stability,
        curve);
  }

  private static Checkpoint checkpoint(
      RttMatrix matrix, Coordinate[] coords, int[][] trials, int rounds) {
    double[] errors = relativeErrors(matrix, coords);
    return new Checkpoint(
        rounds,
        percentile(errors, 0.5),
        percentile(errors, 0.9),
        nearestAccuracy(matrix, coords, trials));
  }

  /** |predicted − measured| / measured. */
  static double relativeError(double measured, double predicted) {
    return Math.abs(predicted - measured) / measured;
  }

  /** Relative errors of all known pairs i &lt; j, in row order. */
  public static double[] relativeErrors(RttMatrix matrix, Coordinate[] coords) {
    int n = matrix.size();
    double[] out = new double[(int) matrix.knownPairs()];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (matrix.known(i, j)) {
          out[k++] = relativeError(matrix.rttMillis(i, j), coords[i].estimateRttMillis(coords[j]));
        }
      }
    }
    return out;
  }

  /**
   * The {@code p} quantile (nearest rank, {@code sorted[ceil(p·n) − 1]}) of {@code values}, which
   * it sorts in place; NaN when empty.
   */
  public static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(values);
    int rank = (int) Math.ceil(p * values.length);
    return values[Math.min(values.length - 1, Math.max(0, rank - 1))];
  }

  /**
   * Fraction of {@code trials} in which, for a random node and {@code k} distinct random peers with
   * known RTTs, the peer with the lowest predicted RTT has the lowest measured RTT (ties in the
   * measurement count as success).
   */
  public static double nearestOfK(
      RttMatrix matrix, Coordinate[] coords, int k, int trials, long seed) {
    return nearestAccuracy(matrix, coords, nearestTrials(matrix, k, trials, seed));
  }

  /**
   * Fraction of the given trials ({source, candidate…}) where the predicted nearest candidate truly
   * is nearest.
   */
  public static double nearestAccuracy(RttMatrix matrix, Coordinate[] coords, int[][] trials) {
    if (trials.length == 0) {
      return Double.NaN;
    }
    int hits = 0;
    for (int[] t : trials) {
      int s = t[0];
      int predicted = t[1];
      double bestTrue = matrix.rttMillis(s, t[1]);
      for (int c = 2; c < t.length; c++) {
        if (coords[s].estimateRttMillis(coords[t[c]])
            < coords[s].estimateRttMillis(coords[predicted])) {
          predicted = t[c];
        }
        bestTrue = Math.min(bestTrue, matrix.rttMillis(s, t[c]));
      }
      if (matrix.rttMillis(s, predicted) <= bestTrue) {
        hits++;
      }
    }
    return (double) hits / trials.length;
  }

  /**
   * The nearest-of-k trials: each is {source, k distinct candidates with known RTTs to the source};
   * empty when no node has k known peers. Deterministic for a seed.
   */
  public static int[][] nearestTrials(RttMatrix matrix, int k, int trials, long seed) {
    int n = matrix.size();
    List<int[]> known = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] row = new int[n];
      int c = 0;
      for (int j = 0; j < n; j++) {
        if (matrix.known(i, j)) {
          row[c++] = j;
        }
      }
      known.add(Arrays.copyOf(row, c));
    }
    int[] sources = new int[n];
    int sourceCount = 0;
    for (int i = 0; i < n; i++) {
      if (known.get(i).length >= k) {
        sources[sourceCount++] = i;
      }
    }
    if (sourceCount == 0) {
      return new int[0][];
    }
    SplittableRandom random = new SplittableRandom(seed * 31 + 7);
    int[][] out = new int[trials][k + 1];
    for (int t = 0; t < trials; t++) {
      int s = sources[random.nextInt(sourceCount)];
      int[] peers = known.get(s).clone();
      out[t][0] = s;
      for (int c = 0; c < k; c++) { // partial Fisher-Yates
        int r = c + random.nextInt(peers.length - c);
        int tmp = peers[c];
        peers[c] = peers[r];
        peers[r] = tmp;
        out[t][c + 1] = peers[c];
      }
    }
    return out;
  }

  /** {rows, columns} of the tracked pairs: every ⌈P/10000⌉-th known pair i &lt; j in row order. */
  public static int[][] trackedPairs(RttMatrix matrix) {
    long total = matrix.knownPairs();
    long stride = Math.max(1, (total + TRACKED_PAIRS - 1) / TRACKED_PAIRS);
    int count = (int) ((total + stride - 1) / stride);
    int[][] out = new int[2][count];
    long index = 0;
    int k = 0;
    int n = matrix.size();
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (matrix.known(i, j)) {
          if (index % stride == 0) {
            out[0][k] = i;
            out[1][k] = j;
            k++;
          }
          index++;
        }
      }
    }
    return out;
  }

  private static double movement(Coordinate a, Coordinate b) {
    double d = 0;
    for (int i = 0; i < a.dimensions(); i++) {
      double x = a.component(i) - b.component(i);
      d += x * x;
    }
    return Math.sqrt(d) + Math.abs(a.height() - b.height());
  }
}
