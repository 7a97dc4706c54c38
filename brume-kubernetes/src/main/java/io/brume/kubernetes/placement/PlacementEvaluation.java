package io.brume.kubernetes.placement;

import io.brume.coordinate.Coordinate;
import io.brume.coordinate.RttMatrix;
import io.brume.coordinate.VivaldiConfig;
import io.brume.coordinate.VivaldiSimulation;
import io.brume.router.placement.LatencyEstimate;
import io.brume.router.placement.PlacementPlanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Offline evaluation of latency-driven placement against kube-scheduler's default spreading on an
 * RTT data set: demand is concentrated in two regions (nodes within {@link #REGION_RADIUS_MILLIS}
 * of two hubs at least {@link #MIN_HUB_SEPARATION_MILLIS} apart send 100 requests each, every other
 * node 1). brume plans on Vivaldi estimates; both placements are scored on the true RTTs: the
 * demand-weighted p90 RTT from each requesting node to its closest replica.
 *
 * <p>Run: {@code java -cp … io.brume.kubernetes.placement.PlacementEvaluation DATASET [SEEDS]
 * [K,K,…]}; prints a Markdown table.
 */
public final class PlacementEvaluation {
  static final double REGION_RADIUS_MILLIS = 25;
  static final double MIN_HUB_SEPARATION_MILLIS = 100;
  static final double BOUND_MILLIS = 50;
  static final double PERCENTILE = 0.9;
  static final double HYSTERESIS = 0.1;
  static final int VIVALDI_ROUNDS = 300;
  static final int SPREAD_DRAWS = 50;

  private PlacementEvaluation() {}

  /** One row of results. */
  public record Result(
      int k,
      double spreadP90,
      double brumeP90,
      double controllerP90,
      int controllerMoves,
      double spreadUnderBound,
      double brumeUnderBound) {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: PlacementEvaluation DATASET [SEEDS] [K,K,...]");
      System.exit(2);
    }
    RttMatrix matrix = RttMatrix.load(Path.of(args[0]));
    int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int[] ks =
        args.length > 2
            ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
            : new int[] {3, 5, 8};
    System.out.printf(
        Locale.ROOT,
        "| K | seed | spread p90 (ms) | brume plan p90 (ms) | controller p90 (ms) | moves | demand ≤ %.0f ms spread | brume |%n",
        BOUND_MILLIS);
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int k : ks) {
      double[] sums = new double[5];
      for (int seed = 1; seed <= seeds; seed++) {
        Result r = evaluate(matrix, k, seed);
        System.out.printf(
            Locale.ROOT,
            "| %d | %d | %.1f | %.1f | %.1f | %d | %.0f%% | %.0f%% |%n",
            k,
            seed,
            r.spreadP90(),
            r.brumeP90(),
            r.controllerP90(),
            r.controllerMoves(),
            100 * r.spreadUnderBound(),
            100 * r.brumeUnderBound());
        sums[0] += r.spreadP90();
        sums[1] += r.brumeP90();
        sums[2] += r.controllerP90();
        sums[3] += r.spreadUnderBound();
        sums[4] += r.brumeUnderBound();
      }
      System.out.printf(
          Locale.ROOT,
          "| %d | mean | **%.1f** | **%.1f** | **%.1f** | | %.0f%% | %.0f%% |%n",
          k,
          sums[0] / seeds,
          sums[1] / seeds,
          sums[2] / seeds,
          100 * sums[3] / seeds,
          100 * sums[4] / seeds);
    }
  }

  /** Evaluates one (K, seed) pair. */
  public static Result evaluate(RttMatrix matrix, int k, long seed) {
    int n = matrix.size();
    SplittableRandom random = new SplittableRandom(seed);
    double[] demand = twoRegionDemand(matrix, random);
    Coordinate[] coordinates =
        VivaldiSimulation.converge(matrix, VivaldiConfig.defaults(), VIVALDI_ROUNDS, seed);
    LatencyEstimate estimated = (i, j) -> coordinates[i].estimateRttMillis(coordinates[j]);
    LatencyEstimate truth = (i, j) -> matrix.known(i, j) ? matrix.rttMillis(i, j) : Double.NaN;
    PlacementPlanner planner =
        new PlacementPlanner(demand, estimated, PERCENTILE, BOUND_MILLIS, HYSTERESIS);
    PlacementPlanner judge =
        new PlacementPlanner(demand, truth, PERCENTILE, BOUND_MILLIS, HYSTERESIS);

    double spread = 0;
    double spreadUnder = 0;
    int[] firstSpread = null;
    for (int draw = 0; draw < SPREAD_DRAWS; draw++) {
      int[] placement = randomDistinct(n, k, random);
      if (firstSpread == null) {
        firstSpread = placement;
      }
      spread += judge.cost(placement).percentileMillis();
      spreadUnder += fractionUnder(judge, demand, truth, placement);
    }
    int[] planned = planner.plan(k);

    // The controller starts from where kube-scheduler put the replicas and moves one at a time.
    int[] current = Objects.requireNonNull(firstSpread, "SPREAD_DRAWS > 0");
    int moves = 0;
    for (var move = planner.nextMove(current);
        move.isPresent() && moves < 10 * k;
        move = planner.nextMove(current)) {
      current = PlacementPlanner.apply(current, move.get());
      moves++;
    }
    return new Result(
        k,
        spread / SPREAD_DRAWS,
        judge.cost(planned).percentileMillis(),
        judge.cost(current).percentileMillis(),
        moves,
        spreadUnder / SPREAD_DRAWS,
        fractionUnder(judge, demand, truth, planned));
  }

  static double[] twoRegionDemand(RttMatrix matrix, SplittableRandom random) {
    int n = matrix.size();
    int hubA = random.nextInt(n);
    int hubB;
    do {
      hubB = random.nextInt(n);
    } while (!(matrix.known(hubA, hubB)
        && matrix.rttMillis(hubA, hubB) >= MIN_HUB_SEPARATION_MILLIS));
    double[] demand = new double[n];
    for (int i = 0; i < n; i++) {
      boolean inRegion =
          i == hubA
              || i == hubB
              || (matrix.known(i, hubA) && matrix.rttMillis(i, hubA) <= REGION_RADIUS_MILLIS)
              || (matrix.known(i, hubB) && matrix.rttMillis(i, hubB) <= REGION_RADIUS_MILLIS);
      demand[i] = inRegion ? 100 : 1;
    }
    return demand;
  }

  private static int[] randomDistinct(int n, int k, SplittableRandom random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return Arrays.copyOf(all, k);
  }

  private static double fractionUnder(
      PlacementPlanner judge, double[] demand, LatencyEstimate truth, int[] placement) {
    double total = 0;
    double under = 0;
    for (int i = 0; i < demand.length; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int r : placement) {
        double rtt = r == i ? 0 : truth.millis(i, r);
        if (rtt < best) {
          best = rtt;
        }
      }
      if (Double.isFinite(best)) {
        total += demand[i];
        if (best <= BOUND_MILLIS) {
          under += demand[i];
        }
      }
    }
    return total == 0 ? 0 : under / total;
  }
}
