package io.brume.router.placement;

import java.util.Arrays;

/**
 * One local search of {@link PlacementPlanner#balanced}: the chosen candidates, every node's two
 * nearest of them, and the cost.
 */
final class BalancedSearch {
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

  BalancedSearch(double[][] distance, double[] demand, int[] chosen) {
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
        + PlacementPlanner.IMBALANCE_PENALTY_MILLIS
            * Math.max(0, imbalance - PlacementPlanner.CELL_BALANCE);
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
