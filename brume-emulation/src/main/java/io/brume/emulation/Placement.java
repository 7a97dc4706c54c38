package io.brume.emulation;

/** Where to put things in a fog so they are spread out. */
final class Placement {
  private Placement() {}

  /**
   * {@code count} distinct node indices: {@code first}, then repeatedly the node whose RTT to the
   * nearest already-chosen node is largest (greedy k-centre, ties to the lower index).
   */
  static int[] farthestFirst(RttDataset dataset, int count, int first) {
    int n = dataset.size();
    int[] chosen = new int[count];
    double[] nearest = new double[n];
    java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
    chosen[0] = first;
    for (int k = 1; k < count; k++) {
      int last = chosen[k - 1];
      int best = -1;
      for (int i = 0; i < n; i++) {
        nearest[i] = Math.min(nearest[i], i == last ? 0 : dataset.rttMillis(i, last));
        if (nearest[i] > 0 && (best < 0 || nearest[i] > nearest[best])) {
          best = i;
        }
      }
      chosen[k] = best;
    }
    return chosen;
  }
}
