package io.brume.coordinate;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Who probes whom, and the RTT each probe measures, for every round of a simulation: in each round
 * every node with at least one known peer probes one peer chosen by its {@link PeerSelector}
 * (uniformly at random with Serf's configuration). The schedule depends only on the matrix, the
 * configuration's schedule fields, the seed and the jitter, never on the coordinates, so the very
 * same schedule can be replayed by another implementation (the Go harness under {@code
 * bench/vivaldi}).
 *
 * @param peer {@code peer[round][node]}: the probed node, or −1 if the node has no known peer
 * @param rttMillis {@code rttMillis[round][node]}: the measured RTT of that probe, ms
 */
public record ProbeSchedule(int[][] peer, double[][] rttMillis) {

  /** Checks that both arrays have the same shape; does not copy (the arrays are large). */
  public ProbeSchedule {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(rttMillis, "rttMillis");
    if (peer.length != rttMillis.length) {
      throw new IllegalArgumentException("peer and rttMillis have different numbers of rounds");
    }
  }

  /** Number of rounds. */
  public int rounds() {
    return peer.length;
  }

  /**
   * Generates a schedule.
   *
   * @param matrix the RTTs
   * @param config its {@link VivaldiConfig#nearPeers()} and {@link
   *     VivaldiConfig#nearProbeFraction()} shape the schedule
   * @param rounds number of rounds, ≥ 1
   * @param seed random seed
   * @param jitter 0 for the matrix RTT as is; otherwise each probe measures rtt·(1 + jitter·X) with
   *     X exponential of mean 1 (queueing only adds delay)
   */
  public static ProbeSchedule generate(
      RttMatrix matrix, VivaldiConfig config, int rounds, long seed, double jitter) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    if (!(jitter >= 0) || Double.isInfinite(jitter)) {
      throw new IllegalArgumentException("jitter must be finite and >= 0, got " + jitter);
    }
    int n = matrix.size();
    SplittableRandom random = new SplittableRandom(seed);
    List<List<String>> peers = new ArrayList<>(n);
    PeerSelector[] selectors = new PeerSelector[n];
    String[] names = new String[n];
    for (int j = 0; j < n; j++) {
      names[j] = Integer.toString(j);
    }
    for (int i = 0; i < n; i++) {
      peers.add(knownPeers(matrix, i, names));
      selectors[i] =
          new PeerSelector(config.nearPeers(), config.nearProbeFraction(), random.split());
    }
    SplittableRandom jitterRandom = random.split();
    int[][] peer = new int[rounds][n];
    double[][] rtt = new double[rounds][n];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < n; i++) {
        List<String> known = peers.get(i);
        if (known.isEmpty()) {
          peer[r][i] = -1;
          rtt[r][i] = Double.NaN;
          continue;
        }
        String chosen = selectors[i].next(known);
        int j = Integer.parseInt(chosen);
        double ms = matrix.rttMillis(i, j);
        if (jitter > 0) {
          ms *= 1.0 + jitter * -Math.log(1.0 - jitterRandom.nextDouble());
        }
        ms = Math.min(ms, VivaldiConfig.MAX_RTT_MILLIS);
        selectors[i].observe(chosen, ms);
        peer[r][i] = j;
        rtt[r][i] = ms;
      }
    }
    return new ProbeSchedule(peer, rtt);
  }

  /**
   * The names of node i's known peers in index order, as a view: O(1) memory for a complete row
   * (every other node), so that a simulation of thousands of nodes does not hold N² strings.
   */
  private static List<String> knownPeers(RttMatrix matrix, int i, String[] names) {
    int n = names.length;
    int[] known = new int[n];
    int count = 0;
    for (int j = 0; j < n; j++) {
      if (matrix.known(i, j)) {
        known[count++] = j;
      }
    }
    int[] indices = count == n - 1 ? null : Arrays.copyOf(known, count);
    int size = count;
    return new AbstractList<>() {
      @Override
      public String get(int k) {
        Objects.checkIndex(k, size);
        return names[indices != null ? indices[k] : k < i ? k : k + 1];
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
