package io.brume.router.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Where K replicas should run so that a target percentile of requests stays under a latency bound;
 * pure and deterministic.
 *
 * <p>Each request is served by the replica with the smallest estimated RTT from the node it comes
 * from. The cost of a placement is the demand-weighted {@code percentile} of those RTTs, ties
 * broken by the demand-weighted mean. {@link #plan} is greedy (add the replica that lowers the cost
 * most, K times) followed by k-median-style single swaps until none helps; {@link #nextMove} is the
 * controller's step: the best single swap from the current placement, proposed only when it lowers
 * the percentile (or, at an equal percentile, the mean) by more than the hysteresis, or fix a
 * violated bound, so replicas do not flap on coordinate noise.
 *
 * <p>Without demand to weigh, {@link #farthestFirst} spreads replicas out instead (greedy
 * k-centre): the emulated fog's demo service and its choice of spread-out nodes use it. The routing
 * simulator places its replicas with {@link #balanced} (mean RTT with balanced cells, for fogs of
 * thousands of nodes) or {@link #random}.
 */
public final class PlacementPlanner {
  /**
   * Nearest-cell demand may exceed the mean by this factor before the placement objective is
   * penalised.
   */
  static final double CELL_BALANCE = 1.2;

  /**
   * Up to this many nodes every node is a candidate replica host; a larger fog draws this many
   * candidates (seeded), so the distance table stays N × {@value} and a pass of the local search
   * O(N·K·{@value}).
   */
  public static final int MAX_CANDIDATES = 500;

  private static final int RESTARTS = 30;

  /**
   * Bound on the node visits of all restarts together (a swap evaluation visits every node, an
   * accepted swap K + 1 times every node), so that a fog of thousands of nodes is placed in
   * seconds: fewer restarts when one pass is large, and the search stops with the best placement so
   * far when the budget is spent. Counted, not timed, so the result stays deterministic.
   */
  private static final long WORK_BUDGET = 1_500_000_000L;

  private static final int PASSES_PER_RESTART_ESTIMATE = 4;
  static final double IMBALANCE_PENALTY_MILLIS = 1000;

  private final int nodes;
  private final double[] demand;
  private final LatencyEstimate estimate;
  private final double percentile;
  private final double boundMillis;
  private final double hysteresis;

  /**
   * @param demand requests per node (index = node); non-negative
   * @param percentile e.g. 0.9 for the 90th percentile
   * @param boundMillis the latency bound the percentile should stay under
   * @param hysteresis minimum relative improvement for a move, e.g. 0.1
   */
  public PlacementPlanner(
      double[] demand,
      LatencyEstimate estimate,
      double percentile,
      double boundMillis,
      double hysteresis) {
    this.demand = demand.clone();
    this.nodes = demand.length;
    this.estimate = Objects.requireNonNull(estimate, "estimate");
    if (!(percentile > 0 && percentile <= 1)) {
      throw new IllegalArgumentException("percentile must be in (0, 1], got " + percentile);
    }
    if (!(hysteresis >= 0)) {
      throw new IllegalArgumentException("hysteresis must be >= 0, got " + hysteresis);
    }
    for (double d : demand) {
      if (!(d >= 0) || !Double.isFinite(d)) {
        throw new IllegalArgumentException("demand must be finite and >= 0, got " + d);
      }
    }
    this.percentile = percentile;
    this.boundMillis = boundMillis;
    this.hysteresis = hysteresis;
  }

  /** The cost of a placement: the percentile (ms) and the mean as a tie-break. */
  public record Cost(double percentileMillis, double meanMillis) implements Comparable<Cost> {
    @Override
    public int compareTo(Cost other) {
      int byPercentile = Double.compare(percentileMillis, other.percentileMillis);
      return byPercentile != 0 ? byPercentile : Double.compare(meanMillis, other.meanMillis);
    }
  }

  /** A single replica move. */
  public record Move(int from, int to) {}

  /** The cost of {@code replicas} under the estimate. */
  public Cost cost(int[] replicas) {
    double[] latency = new double[nodes];
    double total = 0;
    double weighted = 0;
    int served = 0;
    Integer[] order = new Integer[nodes];
    for (int n = 0; n < nodes; n++) {
      double best = Double.POSITIVE_INFINITY;
      for (int r : replicas) {
        double rtt = r == n ? 0.0 : estimate.millis(n, r);
        if (rtt < best) {
          best = rtt;
        }
      }
      latency[n] = best;
      if (demand[n] > 0 && Double.isFinite(best)) {
        total += demand[n];
        weighted += demand[n] * best;
        order[served++] = n;
      }
    }
    if (total == 0) {
      return new Cost(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
    Integer[] sorted = Arrays.copyOf(order, served);
    Arrays.sort(sorted, (a, b) -> Double.compare(latency[a], latency[b]));
    double target = percentile * total;
    double seen = 0;
    double p = latency[sorted[served - 1]];
    for (Integer n : sorted) {
      seen += demand[n];
      if (seen >= target - 1e-9) {
        p = latency[n];
        break;
      }
    }
    return new Cost(p, weighted / total);
  }

  /** True if the placement keeps the percentile under the bound. */
  public boolean meetsBound(int[] replicas) {
    return cost(replicas).percentileMillis() <= boundMillis;
  }

  /** The planned placement of {@code k} replicas (sorted node indices). */
  public int[] plan(int k) {
    if (k < 1 || k > nodes) {
      throw new IllegalArgumentException("k must be in 1.." + nodes + ", got " + k);
    }
    List<Integer> chosen = new ArrayList<>();
    for (int step = 0; step < k; step++) {
      int bestNode = -1;
      Cost best = null;
      for (int candidate = 0; candidate < nodes; candidate++) {
        if (chosen.contains(candidate)) {
          continue;
        }
        int[] trial = with(chosen, candidate);
        Cost c = cost(trial);
        if (best == null || c.compareTo(best) < 0) {
          best = c;
          bestNode = candidate;
        }
      }
      chosen.add(bestNode);
    }
    int[] placement = chosen.stream().mapToInt(Integer::intValue).toArray();
    // k-median local search: apply improving swaps until none is left (bounded for safety).
    for (int pass = 0; pass < 4 * k; pass++) {
      Optional<Move> move = bestSwap(placement, 0.0);
      if (move.isEmpty()) {
        break;
      }
      placement = apply(placement, move.get());
    }
    Arrays.sort(placement);
    return placement;
  }

  /**
   * The controller's next single move from {@code current}, if it is worth it: it must lower the
   * cost by more than the hysteresis, or make a placement that violates the bound meet it.
   */
  public Optional<Move> nextMove(int[] current) {
    return bestSwap(current, hysteresis);
  }

  private Optional<Move> bestSwap(int[] current, double minRelativeGain) {
    Cost now = cost(current);
    Move bestMove = null;
    Cost best = now;
    for (int i = 0; i < current.length; i++) {
      for (int candidate = 0; candidate < nodes; candidate++) {
        if (contains(current, candidate)) {
          continue;
        }
        int[] trial = current.clone();
        trial[i] = candidate;
        Cost c = cost(trial);
        if (c.compareTo(best) < 0) {
          best = c;
          bestMove = new Move(current[i], candidate);
        }
      }
    }
    if (bestMove == null) {
      return Optional.empty();
    }
    boolean fixesBound =
        now.percentileMillis() > boundMillis && best.percentileMillis() <= boundMillis;
    // The percentile is flat under many single swaps (one far region pins it until both regions
    // are served), so a move that keeps it and lowers the mean enough also counts.
    boolean bigEnough =
        best.percentileMillis() < now.percentileMillis() * (1 - minRelativeGain)
            || (best.percentileMillis() <= now.percentileMillis()
                && best.meanMillis() < now.meanMillis() * (1 - minRelativeGain))
            || (minRelativeGain == 0.0 && best.compareTo(now) < 0);
    return fixesBound || bigEnough ? Optional.of(bestMove) : Optional.empty();
  }

  /**
   * {@code count} distinct node indices out of {@code nodes}: {@code first}, then repeatedly the
   * node whose RTT to the nearest already-chosen node is largest (greedy k-centre, ties to the
   * lower index). Needs no demand, so it places replicas before any request was seen.
   */
  public static int[] farthestFirst(int nodes, LatencyEstimate rtt, int count, int first) {
    int[] chosen = new int[count];
    double[] nearest = new double[nodes];
    Arrays.fill(nearest, Double.POSITIVE_INFINITY);
    chosen[0] = first;
    for (int k = 1; k < count; k++) {
      int last = chosen[k - 1];
      int best = -1;
      for (int i = 0; i < nodes; i++) {
        nearest[i] = Math.min(nearest[i], i == last ? 0 : rtt.millis(i, last));
        if (nearest[i] > 0 && (best < 0 || nearest[i] > nearest[best])) {
          best = i;
        }
      }
      chosen[k] = best;
    }
    return chosen;
  }

  /** {@code replicas} distinct nodes out of {@code nodes}, uniformly at random. */
  public static int[] random(int nodes, int replicas, RandomGenerator random) {
    int[] order = shuffled(nodes, random);
    return Arrays.copyOf(order, replicas);
  }

  /**
   * The routing simulator's placement (no latency bound, every node a client): local search with
   * restarts: start from random K candidates, swap one replica for one other candidate while that
   * lowers cost = mean over nodes (weighted by demand) of the estimated RTT to the nearest replica
   * + {@value #IMBALANCE_PENALTY_MILLIS} ms per unit of (max cell demand / mean cell demand −
   * {@value #CELL_BALANCE})⁺. A swap is evaluated in O(N) from each node's nearest and
   * second-nearest replica.
   */
  public static int[] balanced(
      int nodes,
      LatencyEstimate estimatedRtt,
      double[] demand,
      int replicas,
      RandomGenerator random) {
    int[] candidates =
        nodes <= MAX_CANDIDATES
            ? IntStream.range(0, nodes).toArray()
            : sortedSample(nodes, MAX_CANDIDATES, random);
    int m = candidates.length;
    double[][] distance = new double[m][nodes]; // candidate → node, estimated
    for (int c = 0; c < m; c++) {
      for (int node = 0; node < nodes; node++) {
        distance[c][node] = candidates[c] == node ? 0 : estimatedRtt.millis(node, candidates[c]);
      }
    }
    double passWork = (double) replicas * m * nodes;
    int restarts =
        (int) Math.clamp(WORK_BUDGET / (passWork * PASSES_PER_RESTART_ESTIMATE), 1, RESTARTS);
    long work = 0;
    int[] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int restart = 0; restart < restarts && work < WORK_BUDGET; restart++) {
      BalancedSearch search = new BalancedSearch(distance, demand, random(m, replicas, random));
      boolean improved = true;
      while (improved && work < WORK_BUDGET) {
        improved = false;
        for (int r = 0; r < replicas && work < WORK_BUDGET; r++) {
          for (int candidate = 0; candidate < m; candidate++) {
            if (!search.holds(candidate)) {
              boolean swapped = search.trySwap(r, candidate);
              work += swapped ? (long) nodes * (replicas + 1) : nodes;
              improved |= swapped;
            }
          }
        }
      }
      if (search.cost < bestCost) {
        bestCost = search.cost;
        best = search.chosen.clone();
      }
    }
    int[] nodesChosen = new int[replicas];
    for (int r = 0; r < replicas; r++) {
      nodesChosen[r] = candidates[best[r]];
    }
    return nodesChosen;
  }

  /**
   * {@code count} distinct indices in [0, size), drawn by a partial Fisher–Yates shuffle, sorted.
   */
  public static int[] sortedSample(int size, int count, RandomGenerator random) {
    int[] all = new int[size];
    for (int i = 0; i < size; i++) {
      all[i] = i;
    }
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(size - i);
      int tmp = all[i];
      all[i] = all[j];
      all[j] = tmp;
    }
    int[] chosen = Arrays.copyOf(all, count);
    Arrays.sort(chosen);
    return chosen;
  }

  private static int[] shuffled(int size, RandomGenerator random) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** {@code placement} with {@code move} applied. */
  public static int[] apply(int[] placement, Move move) {
    int[] next = placement.clone();
    for (int i = 0; i < next.length; i++) {
      if (next[i] == move.from()) {
        next[i] = move.to();
        return next;
      }
    }
    throw new IllegalArgumentException("node " + move.from() + " holds no replica");
  }

  private static boolean contains(int[] placement, int node) {
    for (int n : placement) {
      if (n == node) {
        return true;
      }
    }
    return false;
  }

  private static int[] with(List<Integer> chosen, int candidate) {
    int[] trial = new int[chosen.size() + 1];
    for (int i = 0; i < chosen.size(); i++) {
      trial[i] = chosen.get(i);
    }
    trial[chosen.size()] = candidate;
    return trial;
  }
}
