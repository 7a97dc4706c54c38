package io.brume.router;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/** Chooses the nodes hosting the replicas (see {@link SimulationConfig.Placement}). */
final class ReplicaPlacement {

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
  static final int MAX_CANDIDATES = 500;

  private static final int RESTARTS = 30;

  /**
   * Bound on the node visits of all restarts together (a swap evaluation visits every node, an
   * accepted swap K + 1 times every node), so that a fog of thousands of nodes is placed in
   * seconds: fewer restarts when one pass is large, and the search stops with the best placement so
   * far when the budget is spent. Counted, not timed, so the result stays deterministic.
   */
  private static final long WORK_BUDGET = 1_500_000_000L;

  private static final int PASSES_PER_RESTART_ESTIMATE = 4;
  private static final double IMBALANCE_PENALTY_MILLIS = 1000;

  private ReplicaPlacement() {}

  static int[] random(int nodes, int replicas, RandomGenerator random) {
    int[] order = shuffled(nodes, random);
    return Arrays.copyOf(order, replicas);
  }

  /**
   * Local search with restarts: start from random K candidates, swap one replica for one other
   * candidate while that lowers cost = mean over nodes (weighted by demand) of the estimated RTT to
   * the nearest replica + {@value #IMBALANCE_PENALTY_MILLIS} ms per unit of (max cell demand / mean
   * cell demand − {@value #CELL_BALANCE})⁺. A swap is evaluated in O(N) from each node's nearest
   * and second-nearest replica.
   */
  static int[] balanced(
      int nodes, Fog.Rtts estimatedRtt, double[] demand, int replicas, RandomGenerator random) {
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
      Search search = new Search(distance, demand, random(m, replicas, random));
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
      nodesChosen[r] = candidates[Objects.requireNonNull(best)[r]];
    }
    return nodesChosen;
  }

  /** One local search's state: the chosen candidates and every node's two nearest of them. */
  private static final class Search {
    final double[][] distance;
    final double[] demand;
    final int[] chosen;
    final int[] nearest; // index into chosen
    final double[] d1;
    final double[] d2;
    final int[] second;
    final double[] cells;
    final double[] scratch;
    final double totalDemand;
    double cost;

    Search(double[][] distance, double[] demand, int[] chosen) {
      this.distance = distance;
      this.demand = demand;
      this.chosen = chosen;
      int nodes = demand.length;
      nearest = new int[nodes];
      second = new int[nodes];
      d1 = new double[nodes];
      d2 = new double[nodes];
      cells = new double[chosen.length];
      scratch = new double[chosen.length];
      totalDemand = Arrays.stream(demand).sum();
      refresh();
    }

    boolean holds(int candidate) {
      for (int c : chosen) {
        if (c == candidate) {
          return true;
        }
      }
      return false;
    }

    /** Every node's nearest and second-nearest chosen candidate, and the cost. */
    private void refresh() {
      Arrays.fill(cells, 0);
      double latency = 0;
      for (int node = 0; node < demand.length; node++) {
        int a = -1;
        int b = -1;
        for (int r = 0; r < chosen.length; r++) {
          double d = distance[chosen[r]][node];
          if (a < 0 || d < distance[chosen[a]][node]) {
            b = a;
            a = r;
          } else if (b < 0 || d < distance[chosen[b]][node]) {
            b = r;
          }
        }
        nearest[node] = a;
        second[node] = b;
        d1[node] = distance[chosen[a]][node];
        d2[node] = b < 0 ? Double.POSITIVE_INFINITY : distance[chosen[b]][node];
        cells[a] += demand[node];
        latency += demand[node] * d1[node];
      }
      cost = cost(latency, cells);
    }

    private double cost(double latency, double[] cellDemand) {
      double max = 0;
      for (double cell : cellDemand) {
        max = Math.max(max, cell);
      }
      double imbalance = max / (totalDemand / chosen.length);
      return latency / totalDemand
          + IMBALANCE_PENALTY_MILLIS * Math.max(0, imbalance - CELL_BALANCE);
    }

    /** Replaces replica r by the candidate if that lowers the cost; true if it did. */
    boolean trySwap(int r, int candidate) {
      double[] row = distance[candidate];
      double[] swappedCells = scratch;
      Arrays.fill(swappedCells, 0);
      double latency = 0;
      for (int node = 0; node < demand.length; node++) {
        double d = row[node];
        int cell;
        double best;
        if (nearest[node] == r) {
          boolean toCandidate = d < d2[node];
          cell = toCandidate ? r : second[node];
          best = toCandidate ? d : d2[node];
        } else {
          boolean toCandidate = d < d1[node];
          cell = toCandidate ? r : nearest[node];
          best = toCandidate ? d : d1[node];
        }
        swappedCells[cell] += demand[node];
        latency += demand[node] * best;
      }
      double swapped = cost(latency, swappedCells);
      if (swapped < cost - 1e-9) {
        chosen[r] = candidate;
        refresh();
        return true;
      }
      return false;
    }
  }

  /**
   * {@code count} distinct indices in [0, size), drawn by a partial Fisher–Yates shuffle, sorted.
   */
  static int[] sortedSample(int size, int count, RandomGenerator random) {
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
}
