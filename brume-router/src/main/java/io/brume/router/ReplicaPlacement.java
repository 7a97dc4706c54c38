package io.brume.router;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Chooses the nodes hosting the replicas (see {@link SimulationConfig.Placement}). */
final class ReplicaPlacement {

  /**
   * Nearest-cell demand may exceed the mean by this factor before the placement objective is
   * penalised.
   */
  static final double CELL_BALANCE = 1.2;

  private static final int RESTARTS = 30;
  private static final double IMBALANCE_PENALTY_MILLIS = 1000;

  private ReplicaPlacement() {}

  static int[] random(int nodes, int replicas, RandomGenerator random) {
    int[] order = shuffled(nodes, random);
    return Arrays.copyOf(order, replicas);
  }

  /**
   * Local search with restarts: start from random K nodes, swap one replica for one other node
   * while that lowers cost = mean over nodes (weighted by demand) of the estimated RTT to the
   * nearest replica + {@value #IMBALANCE_PENALTY_MILLIS} ms per unit of (max cell demand / mean
   * cell demand − {@value #CELL_BALANCE})⁺.
   */
  static int[] balanced(
      double[][] estimatedRtt, double[] demand, int replicas, RandomGenerator random) {
    int nodes = estimatedRtt.length;
    int[] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int restart = 0; restart < RESTARTS; restart++) {
      int[] current = random(nodes, replicas, random);
      double cost = cost(estimatedRtt, demand, current);
      boolean improved = true;
      while (improved) {
        improved = false;
        for (int r = 0; r < replicas; r++) {
          for (int candidate = 0; candidate < nodes; candidate++) {
            if (contains(current, candidate)) {
              continue;
            }
            int previous = current[r];
            current[r] = candidate;
            double swapped = cost(estimatedRtt, demand, current);
            if (swapped < cost - 1e-9) {
              cost = swapped;
              improved = true;
            } else {
              current[r] = previous;
            }
          }
        }
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = current.clone();
      }
    }
    return best;
  }

  /** Index (into {@code replicaNodes}) of the replica nearest to {@code node} by {@code rtt}. */
  static int nearest(double[][] rtt, int node, int[] replicaNodes) {
    int best = 0;
    for (int r = 1; r < replicaNodes.length; r++) {
      if (rtt[node][replicaNodes[r]] < rtt[node][replicaNodes[best]]) {
        best = r;
      }
    }
    return best;
  }

  private static double cost(double[][] rtt, double[] demand, int[] replicaNodes) {
    double[] cells = new double[replicaNodes.length];
    double latency = 0;
    double total = 0;
    for (int node = 0; node < rtt.length; node++) {
      int r = nearest(rtt, node, replicaNodes);
      cells[r] += demand[node];
      latency += demand[node] * rtt[node][replicaNodes[r]];
      total += demand[node];
    }
    double imbalance = Arrays.stream(cells).max().orElseThrow() / (total / replicaNodes.length);
    return latency / total + IMBALANCE_PENALTY_MILLIS * Math.max(0, imbalance - CELL_BALANCE);
  }

  private static boolean contains(int[] values, int value) {
    for (int v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
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
